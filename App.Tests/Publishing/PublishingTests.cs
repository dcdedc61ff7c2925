using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Data;
using StorybookShop.Publishing;
using StorybookShop.Storage;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Publishing;

/// <summary>
/// Publishing a finished book as a Shopify digital product, against the fake Shopify's Admin GraphQL: what
/// Shopify receives (staged uploads, productSet, publishablePublish), exactly one product however often
/// publishing is retried or interrupted, unpublish and archive.
/// </summary>
public sealed class PublishingTests
{
    private ShopifyHarness _h = null!;
    private FakeShopifyCatalog _catalog = null!;
    private string _shop = "";

    [OneTimeSetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync(
            "publishing",
            new() { ["Pipeline:Roles"] = "web,worker", ["Api:DevEndpoints"] = "false" }
        );
        _catalog = new FakeShopifyCatalog(_h.Shopify);
        _h.Shopify.Answer = _catalog.Answer;
        (_shop, _) = await _h.InstalledShopAsync();
        using var api = Api(_shop);
        Assert.That(
            (await api.PutAsJsonAsync("/api/settings", new { price = 24.99m })).StatusCode,
            Is.EqualTo(HttpStatusCode.OK)
        );
    }

    [OneTimeTearDown]
    public async Task Stop() => await _h.DisposeAsync();

    private HttpClient Api(string shop)
    {
        var http = _h.App.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer",
            ShopifyKit.SessionToken(shop)
        );
        return http;
    }

    private async Task<Story> CompleteStoryAsync(string child)
    {
        using var api = Api(_shop);
        var response = await api.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = child,
                ageGroup = "0-3",
                genre = "space",
            }
        );
        var story = await _h.App.WaitForStoryAsync(
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(),
            TimeSpan.FromMinutes(2)
        );
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);
        return story;
    }

    private Task<Story> WaitForAsync(Guid id, Func<Story, bool> done) =>
        _h.App.WaitForStoryAsync(id, done, TimeSpan.FromMinutes(1));

    private List<FakeShopify.GraphQLCall> Calls(string operation, string? handle = null) =>
        _h
            .Shopify.GraphQLCalls.Where(c =>
                c.Query.Contains(operation + "(", StringComparison.Ordinal)
                && (handle is null || c.Variables?["identifier"]?["handle"]?.GetValue<string>() == handle)
            )
            .ToList();

    [Test]
    public async Task A_complete_book_becomes_one_digital_product_with_its_cover_and_preview_pages_on_the_online_store()
    {
        var story = await CompleteStoryAsync("Aya");
        using var api = Api(_shop);
        var response = await api.PostAsJsonAsync($"/api/stories/{story.Id}/publish", new { });
        Assert.That(
            response.StatusCode,
            Is.EqualTo(HttpStatusCode.Accepted),
            await response.Content.ReadAsStringAsync()
        );
        var published = await WaitForAsync(story.Id, s => s.Status == StoryStatus.Published);
        Assert.That(published.Status, Is.EqualTo(StoryStatus.Published), published.FailureReason);

        var handle = ProductPublisher.Handle(story.Id);
        var set = Calls("productSet", handle).Single();
        var input = set.Variables!["input"]!;
        Assert.That(input["title"]!.GetValue<string>(), Is.EqualTo(story.Title));
        Assert.That(input["status"]!.GetValue<string>(), Is.EqualTo("ACTIVE"));
        var variant = input["variants"]![0]!;
        Assert.That(variant["price"]!.GetValue<string>(), Is.EqualTo("24.99"), "the shop's price");
        Assert.That(
            variant["inventoryItem"]!["requiresShipping"]!.GetValue<bool>(),
            Is.False,
            "a digital product ships nothing"
        );
        var metafield = input["metafields"]![0]!;
        Assert.That(
            (
                metafield["namespace"]!.GetValue<string>(),
                metafield["key"]!.GetValue<string>(),
                metafield["value"]!.GetValue<string>()
            ),
            Is.EqualTo(("storybook", "story_id", story.Id.ToString()))
        );
        Assert.That(set.Query, Does.Contain("synchronous: true"));

        // Media: the cover and two preview pages, uploaded through staged targets before productSet names them.
        var files = input["files"]!.AsArray();
        Assert.That(files, Has.Count.EqualTo(3));
        var store = _h.App.Services.GetRequiredService<IAssetStore>();
        var cover = (await store.GetAsync(published.CoverImage!))!;
        var uploaded = files
            .Select(f =>
                _h.Shopify.Uploads.Values.Single(u =>
                    f!["originalSource"]!.GetValue<string>().EndsWith(u.Key, StringComparison.Ordinal)
                )
            )
            .ToList();
        Assert.That(uploaded[0].Bytes, Is.EqualTo(cover), "the cover is the first image, byte for byte");
        Assert.That(files.Select(f => f!["contentType"]!.GetValue<string>()), Is.All.EqualTo("IMAGE"));
        var staged = Calls("stagedUploadsCreate").Last().Variables!["input"]!.AsArray();
        Assert.That(
            staged.Select(x => (x!["resource"]!.GetValue<string>(), x["httpMethod"]!.GetValue<string>())),
            Is.All.EqualTo(("IMAGE", "POST"))
        );

        var product = _catalog.Products.Values.Single(p => p.Handle == handle);
        Assert.That(published.ShopifyProductId, Is.EqualTo(product.Id));
        Assert.That(
            product.Publications,
            Is.EquivalentTo(new[] { FakeShopifyCatalog.OnlineStore }),
            "published to the Online Store only"
        );
        var publish = Calls("publishablePublish").Last();
        Assert.That(publish.Variables!["id"]!.GetValue<string>(), Is.EqualTo(product.Id));

        // Asking again changes nothing.
        var again = await api.PostAsJsonAsync($"/api/stories/{story.Id}/publish", new { });
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Calls("productSet", handle), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Publishing_interrupted_after_the_product_exists_is_retried_and_still_makes_one_product()
    {
        var story = await CompleteStoryAsync("Ben");
        // the product exists, then the next call fails: as a crash between calls would leave it
        _catalog.FailOnce.Enqueue("publications");
        using var api = Api(_shop);
        Assert.That(
            (await api.PostAsJsonAsync($"/api/stories/{story.Id}/publish", new { })).StatusCode,
            Is.EqualTo(HttpStatusCode.Accepted)
        );
        var published = await WaitForAsync(story.Id, s => s.Status == StoryStatus.Published);

        Assert.That(published.Status, Is.EqualTo(StoryStatus.Published), published.FailureReason);
        var handle = ProductPublisher.Handle(story.Id);
        Assert.That(Calls("productSet", handle), Has.Count.EqualTo(2), "the retry ran productSet again");
        Assert.That(
            _catalog.Products.Values.Count(p => p.Handle == handle),
            Is.EqualTo(1),
            "and found the same product: one product per story"
        );
        await using var db = _h.App.Db();
        Assert.That(await db.Stories.CountAsync(s => s.ShopifyProductId == published.ShopifyProductId), Is.EqualTo(1));
    }

    [Test]
    public async Task A_refused_publish_shows_on_the_story_page_with_its_reason_and_a_retry()
    {
        // A shop without an Online Store channel: Shopify has nowhere to put the product.
        var online = _catalog.Publications.Single(p => p.Id == FakeShopifyCatalog.OnlineStore);
        _catalog.Publications.Remove(online);
        Story story;
        try
        {
            story = await CompleteStoryAsync("Noa");
            using var api = Api(_shop);
            await api.PostAsJsonAsync($"/api/stories/{story.Id}/publish", new { });
            story = await WaitForAsync(story.Id, s => s.FailureReason is not null);
        }
        finally
        {
            _catalog.Publications.Insert(0, online);
        }
        Assert.That(
            story.Status,
            Is.EqualTo(StoryStatus.Complete),
            "a book that could not be published stays Complete"
        );
        using var http = Api(_shop);
        var page = System.Net.WebUtility.HtmlDecode(
            await http.GetStringAsync(ShopifyKit.AdminUrl($"/stories/{story.Id}", _shop))
        );
        Assert.That(page, Does.Contain("id=\"publish-failed\"").And.Contain("no \"Online Store\" sales channel"));
        Assert.That(page, Does.Contain("Retry publishing").And.Not.Contain("id=\"publishing\""));
    }

    [Test]
    public async Task The_online_store_is_found_by_its_catalogs_title_past_the_first_page_of_publications()
    {
        // A shop selling in many markets: sixty market catalogs come before the Online Store.
        var markets = Enumerable
            .Range(100, 60)
            .Select(i => ($"gid://shopify/Publication/{i}", "MarketCatalog", $"Market {i}"))
            .ToList();
        _catalog.Publications.InsertRange(0, markets);
        try
        {
            var story = await CompleteStoryAsync("Pia");
            var before = Calls("publications").Count;
            using var api = Api(_shop);
            await api.PostAsJsonAsync($"/api/stories/{story.Id}/publish", new { });
            var published = await WaitForAsync(story.Id, s => s.Status == StoryStatus.Published);
            Assert.That(published.Status, Is.EqualTo(StoryStatus.Published), published.FailureReason);
            Assert.That(
                _catalog.Products[published.ShopifyProductId!].Publications,
                Is.EquivalentTo(new[] { FakeShopifyCatalog.OnlineStore })
            );
            Assert.That(Calls("publications").Count - before, Is.EqualTo(2), "two pages of fifty");
            Assert.That(
                Calls("publications").All(c => !c.Query.Contains(" name", StringComparison.Ordinal)),
                "found by Catalog.title, not the deprecated Publication.name"
            );
        }
        finally
        {
            _catalog.Publications.RemoveRange(0, markets.Count);
        }
    }

    [Test]
    public async Task Unpublish_takes_it_off_the_store_and_archive_archives_the_product()
    {
        var story = await CompleteStoryAsync("Cleo");
        using var api = Api(_shop);
        await api.PostAsJsonAsync($"/api/stories/{story.Id}/publish", new { });
        var published = await WaitForAsync(story.Id, s => s.Status == StoryStatus.Published);
        Assert.That(
            (await api.PostAsJsonAsync($"/api/stories/{story.Id}/archive", new { })).StatusCode,
            Is.EqualTo(HttpStatusCode.Conflict),
            "unpublish first"
        );

        var unpublish = await api.PostAsJsonAsync($"/api/stories/{story.Id}/unpublish", new { });
        Assert.That(unpublish.StatusCode, Is.EqualTo(HttpStatusCode.OK), await unpublish.Content.ReadAsStringAsync());
        var product = _catalog.Products[published.ShopifyProductId!];
        Assert.That(product.Publications, Is.Empty);
        Assert.That((await WaitForAsync(story.Id, _ => true)).Status, Is.EqualTo(StoryStatus.Complete));

        Assert.That(
            (await api.PostAsJsonAsync($"/api/stories/{story.Id}/archive", new { })).StatusCode,
            Is.EqualTo(HttpStatusCode.OK)
        );
        Assert.That(product.Status, Is.EqualTo("ARCHIVED"));
    }

    [Test]
    public async Task A_published_book_bought_as_its_own_product_is_found_by_its_product_and_delivered()
    {
        var story = await CompleteStoryAsync("Eli");
        using var api = Api(_shop);
        await api.PostAsJsonAsync($"/api/stories/{story.Id}/publish", new { });
        var published = await WaitForAsync(story.Id, s => s.Status == StoryStatus.Published);
        var numeric = published.ShopifyProductId!["gid://shopify/Product/".Length..];
        using var http = _h.App.CreateClient();
        // A buyer's order of the published product itself: no _story_id on the line, only the product.
        async Task<FakeShopifyCatalog.Order> BuyAsync(string orderId, string lineId, int customer)
        {
            var order = _catalog.Orders[orderId] = new FakeShopifyCatalog.Order { Id = orderId };
            order.Lines.Add((lineId, new Dictionary<string, string>(), 1));
            order.LineProducts[lineId] = published.ShopifyProductId!;
            var body = JsonSerializer.Serialize(
                new
                {
                    id = long.Parse(orderId, System.Globalization.CultureInfo.InvariantCulture),
                    customer = new { id = customer },
                    line_items = new[]
                    {
                        new
                        {
                            id = long.Parse(lineId, System.Globalization.CultureInfo.InvariantCulture),
                            product_id = long.Parse(numeric, System.Globalization.CultureInfo.InvariantCulture),
                            price = "24.99",
                            properties = Array.Empty<object>(),
                        },
                    },
                }
            );
            Assert.That(
                (await http.SendAsync(ShopifyKit.Webhook("orders/paid", _shop, body))).StatusCode,
                Is.EqualTo(HttpStatusCode.OK)
            );
            var until = DateTime.UtcNow.AddMinutes(1);
            while (order.Fulfillments.Count == 0 && DateTime.UtcNow < until)
                await Task.Delay(250);
            return order;
        }

        Assert.That(
            (await BuyAsync("7101", "41", 55)).Fulfillments,
            Has.Count.EqualTo(1),
            "fulfilled by its product, with no _story_id on the line"
        );
        var linked = await WaitForAsync(story.Id, s => s.ShopifyOrderId is not null);
        Assert.That(
            (linked.ShopifyOrderId, linked.ShopifyCustomerId, linked.Status),
            Is.EqualTo(("7101", "55", StoryStatus.Published))
        );

        // A second buyer gets their own delivery; the first buyer's link is untouched.
        await BuyAsync("7102", "42", 56);
        Assert.That(
            _catalog.Orders["7102"].Fulfillments,
            Has.Count.EqualTo(1),
            "the second buyer's line is fulfilled too"
        );
        List<Delivery> deliveries;
        await using (var db = _h.App.Db())
            deliveries = await db.Deliveries.Where(d => d.StoryId == story.Id).OrderBy(d => d.OrderId).ToListAsync();
        Assert.That(
            deliveries.Select(d => (d.OrderId, d.CustomerId)),
            Is.EqualTo(new[] { ("7101", (string?)"55"), ("7102", (string?)"56") })
        );
        Assert.That(deliveries[0].Token, Is.Not.EqualTo(deliveries[1].Token), "each buyer has their own download page");
        Assert.That(
            (await WaitForAsync(story.Id, _ => true)).ShopifyCustomerId,
            Is.EqualTo("55"),
            "the next order does not overwrite the first"
        );

        // customers/redact of the first buyer erases their delivery, never the merchant's published book.
        var redact = JsonSerializer.Serialize(
            new
            {
                shop_id = 1,
                shop_domain = _shop,
                customer = new { id = 55 },
                orders_to_redact = new[] { 7101 },
            }
        );
        Assert.That(
            (await http.SendAsync(ShopifyKit.Webhook("customers/redact", _shop, redact))).StatusCode,
            Is.EqualTo(HttpStatusCode.OK)
        );
        var until = DateTime.UtcNow.AddMinutes(1);
        int left;
        do
        {
            await Task.Delay(250);
            await using var db = _h.App.Db();
            left = await db.Deliveries.CountAsync(d => d.StoryId == story.Id);
        } while (left > 1 && DateTime.UtcNow < until);
        await using (var db = _h.App.Db())
        {
            var kept = await db.Stories.AsNoTracking().SingleOrDefaultAsync(s => s.Id == story.Id);
            Assert.That(kept?.Status, Is.EqualTo(StoryStatus.Published), "the published book stays");
            Assert.That(kept!.ShopifyCustomerId, Is.Null, "and forgets the redacted buyer");
            Assert.That(
                await db.Deliveries.Where(d => d.StoryId == story.Id).Select(d => d.CustomerId).ToListAsync(),
                Is.EqualTo(new[] { "56" })
            );
        }
    }

    [Test]
    public async Task A_published_book_is_not_released_by_a_line_of_the_generic_book_product()
    {
        var story = await CompleteStoryAsync("Zed");
        using var api = Api(_shop);
        await api.PostAsJsonAsync($"/api/stories/{story.Id}/publish", new { });
        var published = await WaitForAsync(story.Id, s => s.Status == StoryStatus.Published);
        Assert.That(published.ShopifyProductId, Is.Not.Null, published.FailureReason);
        // The shop also sells a generic "Personalized storybook" (product 900); the published book's id is in its
        // product's handle, so a buyer can name it on the cheaper generic line.
        Assert.That(
            (
                await api.PutAsJsonAsync("/api/settings", new { price = 24.99m, bookProductIds = new[] { "900" } })
            ).StatusCode,
            Is.EqualTo(HttpStatusCode.OK)
        );
        try
        {
            using var http = _h.App.CreateClient();
            var body = JsonSerializer.Serialize(
                new
                {
                    id = 7301,
                    customer = new { id = 91 },
                    line_items = new[]
                    {
                        new
                        {
                            id = 93,
                            product_id = 900L,
                            price = "24.99",
                            quantity = 1,
                            properties = new[] { new { name = "_story_id", value = story.Id.ToString() } },
                        },
                    },
                }
            );
            var eventId = Guid.NewGuid().ToString();
            Assert.That(
                (await http.SendAsync(ShopifyKit.Webhook("orders/paid", _shop, body, eventId))).StatusCode,
                Is.EqualTo(HttpStatusCode.OK)
            );
            await using var db = _h.App.Db();
            var until = DateTime.UtcNow.AddSeconds(10);
            var handled = false;
            while (!handled && DateTime.UtcNow < until)
            {
                await Task.Delay(200);
                handled = await db.WebhookDeliveries.AnyAsync(w =>
                    w.Topic == "orders/paid" && w.Status == WebhookStatus.Processed && w.EventId == eventId
                );
            }
            Assert.That(handled, Is.True, "the order was processed");
            Assert.That(
                await db.Deliveries.AnyAsync(d => d.StoryId == story.Id && d.OrderId == "7301"),
                Is.False,
                "a published book is sold at its own product's price only"
            );
        }
        finally
        {
            await api.PutAsJsonAsync("/api/settings", new { price = 24.99m });
        }
    }

    [Test]
    public async Task Only_the_shops_own_complete_books_can_be_published()
    {
        var (other, _) = await _h.InstalledShopAsync();
        var story = await CompleteStoryAsync("Dax");
        using (var api = Api(other))
            Assert.That(
                (await api.PostAsJsonAsync($"/api/stories/{story.Id}/publish", new { })).StatusCode,
                Is.EqualTo(HttpStatusCode.NotFound)
            );
        using var mine = Api(_shop);
        await mine.PostAsJsonAsync($"/api/stories/{story.Id}/archive", new { });
        var refused = await mine.PostAsJsonAsync($"/api/stories/{story.Id}/publish", new { });
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(Calls("productSet", ProductPublisher.Handle(story.Id)), Is.Empty);
    }
}
