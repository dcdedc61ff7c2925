using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Data;
using StorybookShop.Storage;
using StorybookShop.Storefront;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Storefront;

/// <summary>
/// Storefront limits as they hold behind Shopify's proxy (a guest is the address Shopify forwards, a shopper id chosen
/// by the browser only narrows) and across nodes,
/// the daily cap on unpaid previews and their purge, and the cap on open progress streams. A web-only node: books are
/// started, not made.
/// </summary>
public sealed class StorefrontLimitsTests
{
    private ShopifyHarness _h = null!;
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Storefront:StoriesPerClientPerMinute"] = "3",
        ["Storefront:StoriesPerShopPerMinute"] = "30",
        ["Storefront:UnpaidPreviewsPerShopPerDay"] = "6",
        ["Storefront:StreamsPerShopper"] = "2",
    };

    [OneTimeSetUp]
    public async Task Start() => _h = await ShopifyHarness.StartAsync("limits", new(Settings));

    [OneTimeTearDown]
    public async Task Stop() => await _h.DisposeAsync();

    /// <summary>Each test counts within one fixed one-minute window.</summary>
    [SetUp]
    public Task FreshWindow() => TestServices.AwaitFreshMinuteAsync();

    private static async Task<HttpResponseMessage> StartAsync(
        HttpClient http,
        string shop,
        string? customer,
        string? browser,
        string child = "Ada",
        string? address = null,
        string? url = null
    )
    {
        using var request = new HttpRequestMessage(
            HttpMethod.Post,
            url ?? ShopifyKit.ProxyUrl("/proxy/stories", shop, customer)
        )
        {
            Content = JsonContent.Create(
                new
                {
                    childName = child,
                    ageGroup = "3-5",
                    genre = "space",
                }
            ),
        };
        if (browser is not null)
            request.Headers.Add("X-Storybook-Shopper", browser);
        // Shopify's app proxy forwards the shopper's address in X-Forwarded-For.
        request.Headers.Add("X-Forwarded-For", address ?? "203.0.113.10");
        return await http.SendAsync(request);
    }

    [Test]
    public async Task A_guest_with_a_new_shopper_id_per_request_is_still_limited_by_the_forwarded_address()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using var http = _h.App.CreateClient();
        for (var i = 0; i < 3; i++)
            Assert.That(
                (await StartAsync(http, shop, null, Guid.NewGuid().ToString(), address: "203.0.113.7")).StatusCode,
                Is.EqualTo(HttpStatusCode.Accepted)
            );
        var fourth = await StartAsync(http, shop, null, Guid.NewGuid().ToString(), address: "203.0.113.7");
        Assert.That(
            fourth.StatusCode,
            Is.EqualTo(HttpStatusCode.TooManyRequests),
            "a fresh X-Storybook-Shopper does not buy a fresh allowance"
        );
        Assert.That(fourth.Headers.RetryAfter, Is.Not.Null);
        Assert.That(
            (await StartAsync(http, shop, null, null, address: "198.51.100.4")).StatusCode,
            Is.EqualTo(HttpStatusCode.Accepted),
            "another guest, at another address, is not blocked by the first"
        );
    }

    [Test]
    public async Task A_shopper_id_only_narrows_an_allowance()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using var http = _h.App.CreateClient();
        var browser = Guid.NewGuid().ToString();
        // One browser moving between addresses (a phone leaving Wi-Fi) keeps one allowance.
        for (var i = 0; i < 3; i++)
            Assert.That(
                (await StartAsync(http, shop, null, browser, address: $"192.0.2.{i + 1}")).StatusCode,
                Is.EqualTo(HttpStatusCode.Accepted)
            );
        Assert.That(
            (await StartAsync(http, shop, null, browser, address: "192.0.2.99")).StatusCode,
            Is.EqualTo(HttpStatusCode.TooManyRequests)
        );
    }

    [Test]
    public async Task A_forwarded_for_chain_counts_the_address_shopify_added_last()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using var http = _h.App.CreateClient();
        // The shopper sends an X-Forwarded-For of their own; Shopify appends the address it saw.
        for (var i = 0; i < 3; i++)
            Assert.That(
                (await StartAsync(http, shop, null, null, address: $"10.9.9.{i}, 203.0.113.55")).StatusCode,
                Is.EqualTo(HttpStatusCode.Accepted)
            );
        Assert.That(
            (await StartAsync(http, shop, null, null, address: "10.9.9.200, 203.0.113.55")).StatusCode,
            Is.EqualTo(HttpStatusCode.TooManyRequests),
            "what the shopper wrote in front is ignored"
        );
    }

    [Test]
    public async Task A_signed_url_replayed_with_invented_addresses_gets_one_bounded_allowance()
    {
        // What the limiter sees of a leaked signed query sent straight to the app, each time from a "new" address
        // (the daily preview cap of this fixture would stop it sooner; the limiter itself is what is measured).
        var limits = _h.App.Services.GetRequiredService<StorefrontLimits>();
        var proxy = new StorybookShop.Shopify.AppProxyRequest(
            "replayed.myshopify.com",
            null,
            "/apps/storybook",
            Credential: new string('a', 64)
        );
        var allowed = 0;
        for (var i = 0; i < 60; i++)
        {
            var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
            http.Request.Headers["X-Forwarded-For"] = $"100.64.0.{i + 1}";
            if (await limits.TryAcquireAsync(proxy.Shop, Shopper.Of(http, proxy), default) is null)
                allowed++;
        }
        Assert.That(allowed, Is.EqualTo(3 * Shopper.SignedFactor), "ten shoppers' worth, not one per address");
    }

    [Test]
    public async Task A_shoppers_limit_is_the_same_with_two_nodes()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        var settings = new Dictionary<string, string?>(Settings) { ["Pipeline:Roles"] = "web" };
        await using var second = new AppFactory(_h.App.ConnectionString, settings);
        using var a = _h.App.CreateClient();
        using var b = second.CreateClient();
        Assert.That((await StartAsync(a, shop, "5150", null)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That((await StartAsync(b, shop, "5150", null)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That((await StartAsync(a, shop, "5150", null)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(
            (await StartAsync(b, shop, "5150", null)).StatusCode,
            Is.EqualTo(HttpStatusCode.TooManyRequests),
            "three per minute in all, not three per node"
        );
    }

    [Test]
    public async Task A_shop_with_no_budget_still_stops_unpaid_previews_at_its_daily_cap()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using var http = _h.App.CreateClient();
        for (var i = 0; i < 6; i++)
            Assert.That((await StartAsync(http, shop, $"60{i}", null)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var capped = await StartAsync(http, shop, "699", null);
        Assert.That(capped.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(
            (await capped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(),
            Does.Contain("paused for today")
        );
    }

    [Test]
    public async Task Previews_never_paid_for_are_erased_after_the_retention_and_paid_books_are_kept()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using var http = _h.App.CreateClient();
        var unpaid = (
            await (await StartAsync(http, shop, "7301", null, "Old")).Content.ReadFromJsonAsync<JsonElement>()
        )
            .GetProperty("id")
            .GetGuid();
        var paid = (await (await StartAsync(http, shop, "7302", null, "Kept")).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("id")
            .GetGuid();
        var store = _h.App.Services.GetRequiredService<IAssetStore>();
        Guid shopId;
        await using (var db = _h.App.Db())
        {
            shopId = await db.Shops.Where(s => s.Domain == shop).Select(s => s.Id).SingleAsync();
            var old = DateTimeOffset.UtcNow.AddDays(-15);
            await db
                .Stories.Where(s => s.Id == unpaid)
                .ExecuteUpdateAsync(u =>
                    u.SetProperty(s => s.CreatedAt, old).SetProperty(s => s.Status, StoryStatus.Preview)
                );
            await db
                .Stories.Where(s => s.Id == paid)
                .ExecuteUpdateAsync(u =>
                    u.SetProperty(s => s.CreatedAt, old).SetProperty(s => s.PaidAt, DateTimeOffset.UtcNow)
                );
        }
        var picture = AssetKeys.StoryPrefix(shopId, unpaid) + "cover.jpg";
        await store.PutAsync(picture, new byte[] { 1, 2, 3 }, "image/jpeg", default);

        var erased = await ActivatorUtilities.CreateInstance<PreviewPurgeJob>(_h.App.Services).RunAsync(default);

        Assert.That(erased, Is.GreaterThanOrEqualTo(1));
        await using var check = _h.App.Db();
        Assert.That(await check.Stories.AnyAsync(s => s.Id == unpaid), Is.False, "the unpaid preview's row is gone");
        Assert.That(await store.ExistsAsync(picture), Is.False, "and its files");
        Assert.That(await check.Stories.AnyAsync(s => s.Id == paid), Is.True, "a paid book is never purged");
    }

    [Test]
    public async Task A_guest_cannot_open_more_progress_streams_by_changing_the_shopper_id()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using var http = _h.App.CreateClient();
        var id = (await (await StartAsync(http, shop, "7601", null)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("id")
            .GetGuid();
        var open = new List<HttpResponseMessage>();
        try
        {
            HttpResponseMessage? last = null;
            for (var i = 0; i < 3; i++)
            {
                using var request = new HttpRequestMessage(
                    HttpMethod.Get,
                    ShopifyKit.ProxyUrl($"/proxy/stories/{id}/events", shop, null)
                );
                request.Headers.Add("X-Storybook-Shopper", Guid.NewGuid().ToString());
                request.Headers.Add("X-Forwarded-For", "203.0.113.77");
                last = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                open.Add(last);
            }
            Assert.That(open.Take(2).Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(
                last!.StatusCode,
                Is.EqualTo(HttpStatusCode.TooManyRequests),
                "the third stream from one address, whatever id it claims"
            );
        }
        finally
        {
            foreach (var r in open)
                r.Dispose();
        }
    }

    [Test]
    public async Task A_shopper_cannot_hold_open_more_progress_streams_than_allowed()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using var http = _h.App.CreateClient();
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
            ids.Add(
                (await (await StartAsync(http, shop, $"74{i}", null)).Content.ReadFromJsonAsync<JsonElement>())
                    .GetProperty("id")
                    .GetGuid()
            );
        var open = new List<HttpResponseMessage>();
        try
        {
            foreach (var id in ids.Take(2))
            {
                var stream = await http.SendAsync(
                    new HttpRequestMessage(
                        HttpMethod.Get,
                        ShopifyKit.ProxyUrl($"/proxy/stories/{id}/events", shop, "7499")
                    ),
                    HttpCompletionOption.ResponseHeadersRead
                );
                Assert.That(stream.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                open.Add(stream);
            }
            var third = await http.GetAsync(
                ShopifyKit.ProxyUrl($"/proxy/stories/{ids[2]}/events", shop, "7499"),
                HttpCompletionOption.ResponseHeadersRead
            );
            Assert.That(
                third.StatusCode,
                Is.EqualTo(HttpStatusCode.TooManyRequests),
                "a third stream for the same shopper"
            );
            Assert.That(
                (await http.GetAsync(ShopifyKit.ProxyUrl($"/proxy/stories/{ids[2]}", shop, "7499"))).StatusCode,
                Is.EqualTo(HttpStatusCode.OK),
                "polling the status still works"
            );
        }
        finally
        {
            foreach (var stream in open)
                stream.Dispose();
        }
    }
}
