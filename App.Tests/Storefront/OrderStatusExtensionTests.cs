using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using StorybookShop.Data;
using StorybookShop.Stories;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Storefront;

/// <summary>
/// The buyer finds the book on the order: the order-status / thank-you extension (extensions/storybook-order), bundled
/// with esbuild as the Shopify CLI bundles it, runs in Chromium on another origin with Shopify's extension globals
/// (session token, order) and calls the app, which answers only the order's own buyer.
/// </summary>
public sealed class OrderStatusExtensionTests
{
    private ShopifyHarness _h = null!;
    private BrowserKit _kit = null!;
    private string _shop = "";

    [OneTimeSetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync(
            "order_status",
            new() { ["Shopify:AppUrl"] = "https://books.example.test" }
        );
        _kit = await BrowserKit.StartAsync(_h.App);
        (_shop, _) = await _h.InstalledShopAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _kit.DisposeAsync();
        await _h.DisposeAsync();
    }

    [Test]
    public async Task The_buyer_reads_and_downloads_from_the_order_and_nobody_else_sees_it()
    {
        var (story, token) = await BookAsync(order: "9301", customer: "7001", "Mia and the Moon Map");
        var (making, _) = await BookAsync(order: "9301", customer: "7001", "Leo under the Sea", complete: false);
        using var http = _h.App.CreateClient();

        var mine = await GetAsync(http, "9301", Token(_shop, "gid://shopify/Customer/7001"));
        Assert.That(mine.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var items = (await mine.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items");
        var ready = items.EnumerateArray().Single(i => i.GetProperty("storyId").GetGuid() == story);
        Assert.That(ready.GetProperty("status").GetString(), Is.EqualTo("ready"));
        Assert.That(
            ready.GetProperty("downloadUrl").GetString(),
            Is.EqualTo($"https://books.example.test/downloads/{token}")
        );
        Assert.That(
            ready.GetProperty("readUrl").GetString(),
            Is.EqualTo($"https://books.example.test/downloads/{token}/read")
        );
        var pending = items.EnumerateArray().Single(i => i.GetProperty("storyId").GetGuid() == making);
        Assert.That(
            (pending.GetProperty("status").GetString(), pending.GetProperty("downloadUrl").ValueKind),
            Is.EqualTo(("making", JsonValueKind.Null))
        );

        // The order by its gid, as the extension sends it.
        Assert.That(
            await CountAsync(http, "gid://shopify/Order/9301", Token(_shop, "gid://shopify/Customer/7001")),
            Is.EqualTo(2)
        );
        // Another customer, a guest token, another shop's token: nothing.
        Assert.That(await CountAsync(http, "9301", Token(_shop, "gid://shopify/Customer/7002")), Is.Zero);
        Assert.That(await CountAsync(http, "9301", Token(_shop, null)), Is.Zero);
        Assert.That(
            await CountAsync(http, "9301", Token(ShopifyKit.RandomShop(), "gid://shopify/Customer/7001")),
            Is.Zero
        );
        // No token, a token signed with another secret, a token for another app: 401 before anything is read.
        Assert.That((await GetAsync(http, "9301", null)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(
            (
                await GetAsync(http, "9301", Token(_shop, null, secret: "not-the-app-secret-at-all-0123456789"))
            ).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized)
        );
        Assert.That(
            (await GetAsync(http, "9301", Token(_shop, null, audience: "another-app"))).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized)
        );
        // A malformed order id is refused, naming it.
        var bad = await GetAsync(http, "9301;drop", Token(_shop, null));
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(
            (await bad.Content.ReadFromJsonAsync<JsonElement>())
                .GetProperty("errors")
                .TryGetProperty("order_id", out _),
            Is.True
        );
    }

    [Test]
    public async Task A_guests_order_shows_its_book_on_the_thank_you_page_for_a_day_only()
    {
        await BookAsync(order: "9401", customer: null, "Ada in Space");
        await BookAsync(order: "9402", customer: null, "Old Book", deliveredAgo: TimeSpan.FromDays(2));
        using var http = _h.App.CreateClient();
        Assert.That(await CountAsync(http, "9401", Token(_shop, null)), Is.EqualTo(1));
        Assert.That(await CountAsync(http, "9402", Token(_shop, null)), Is.Zero);
    }

    [Test]
    public async Task Shopifys_extension_sandbox_may_call_it_across_origins()
    {
        using var http = _h.App.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/customer-account/books?order_id=1");
        preflight.Headers.Add("Origin", "https://extensions.shopifycdn.com");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization");
        var response = await http.SendAsync(preflight);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("*"));
        Assert.That(
            response.Headers.GetValues("Access-Control-Allow-Headers").Single(),
            Does.Contain("Authorization").IgnoreCase
        );
    }

    [Test]
    public async Task The_extension_bundled_as_shopify_builds_it_shows_read_and_download_on_the_order_status_page()
    {
        var (story, token) = await BookAsync(order: "9501", customer: "7001", "Lucía y la pequeña luz");
        // Shopify's extension host, on an origin of its own: the globals the extension reads.
        var (host, origin) = await OrderExtension.HostAsync(
            "OrderStatus.jsx",
            _kit.Base,
            "gid://shopify/Order/9501",
            "#9501",
            Token(_shop, "gid://shopify/Customer/7001")
        );
        await using var _ = host;
        var page = await _kit.Browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                ViewportSize = new ViewportSize { Width = 600, Height = 400 },
            }
        );
        await page.GotoAsync(origin);
        var links = page.Locator("s-link");
        await Assertions.Expect(links).ToHaveCountAsync(2);
        Assert.That(await links.AllInnerTextsAsync(), Is.EqualTo(new[] { "Read", "Download" }));
        Assert.That(
            await links.Nth(0).GetAttributeAsync("href"),
            Is.EqualTo($"https://books.example.test/downloads/{token}/read")
        );
        Assert.That(
            await links.Nth(1).GetAttributeAsync("href"),
            Is.EqualTo($"https://books.example.test/downloads/{token}")
        );
        Assert.That(await page.Locator("s-section").GetAttributeAsync("heading"), Is.EqualTo("Your storybook"));
        await Assertions.Expect(page.Locator("s-text[type=strong]")).ToHaveTextAsync("Lucía y la pequeña luz");
        await BrowserKit.ScreenshotAsync(page, "order-status-extension");
        await page.CloseAsync();
        Assert.That(story, Is.Not.EqualTo(Guid.Empty));
    }

    [Test]
    public async Task On_the_thank_you_page_the_book_appears_when_the_order_arrives_and_its_links_when_it_is_made()
    {
        // Right after checkout: the app has not had the order yet (no book), then the book is being made, then made —
        // the buyer stays on the same page.
        var (host, origin) = await OrderExtension.HostAsync(
            "ThankYou.jsx",
            _kit.Base,
            "gid://shopify/Order/9601",
            "#9601",
            Token(_shop, "gid://shopify/Customer/7001")
        );
        await using var _ = host;
        var page = await _kit.Browser.NewPageAsync();
        await page.GotoAsync(origin);
        await Assertions.Expect(page.Locator("s-section")).ToHaveCountAsync(0);

        var (story, _) = await BookAsync(order: "9601", customer: "7001", "Noor and the Kite", complete: false);
        await Assertions
            .Expect(page.Locator("s-text"))
            .ToContainTextAsync("Noor and the Kite", new() { Timeout = 25_000 });
        await Assertions.Expect(page.Locator("s-link")).ToHaveCountAsync(0);

        await using (var db = _h.App.Db())
            await db
                .Stories.Where(s => s.Id == story)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, StoryStatus.Complete));
        await Assertions.Expect(page.Locator("s-link")).ToHaveCountAsync(2, new() { Timeout = 25_000 });
        Assert.That(await page.Locator("s-link").AllInnerTextsAsync(), Is.EqualTo(new[] { "Read", "Download" }));
        await page.CloseAsync();
    }

    private async Task<(Guid Story, string Token)> BookAsync(
        string order,
        string? customer,
        string title,
        bool complete = true,
        TimeSpan? deliveredAgo = null
    )
    {
        await using var db = _h.App.Db();
        var shopId = db.Shops.Single(s => s.Domain == _shop).Id;
        var story = StoryCreation.NewStory(
            new PersonalizationRequest("Mia", "3-5", "space", "en", null, []),
            shopId,
            DateTimeOffset.UtcNow
        );
        story.Title = title;
        story.Status = complete ? StoryStatus.Complete : StoryStatus.Generating;
        db.Stories.Add(story);
        var token = Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant();
        var at = DateTimeOffset.UtcNow - (deliveredAgo ?? TimeSpan.Zero);
        db.Deliveries.Add(
            new Delivery
            {
                Id = Guid.NewGuid(),
                ShopId = shopId,
                StoryId = story.Id,
                OrderId = order,
                LineItemId = $"{order}{db.Deliveries.Count(d => d.OrderId == order)}",
                CustomerId = customer,
                Token = token,
                CreatedAt = at,
                ExpiresAt = at.AddDays(30),
            }
        );
        await db.SaveChangesAsync();
        return (story.Id, token);
    }

    private static string Token(
        string shop,
        string? customer,
        string secret = ShopifyKit.Secret,
        string audience = ShopifyKit.ClientId
    ) => OrderExtension.Token(shop, customer, secret, audience);

    private static Task<HttpResponseMessage> GetAsync(HttpClient http, string order, string? token)
    {
        var request = new HttpRequestMessage(
            HttpMethod.Get,
            $"/api/customer-account/books?order_id={Uri.EscapeDataString(order)}"
        );
        if (token is not null)
            request.Headers.Authorization = new("Bearer", token);
        return http.SendAsync(request);
    }

    private static async Task<int> CountAsync(HttpClient http, string order, string token)
    {
        var response = await GetAsync(http, order, token);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").GetArrayLength();
    }
}
