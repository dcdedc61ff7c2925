using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Stories;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Publishing;

/// <summary>
/// A merchant sells on day one: the setup guide's one click makes the app's own book product on the fake Shopify
/// that enforces the 2026-10 schema and costs (productSet by handle: a digital variant at the Settings price, no
/// shipping, an app-owned metafield; published on the Online Store), chooses it in Book products, and a paid order
/// of it releases the shopper's book — which it did not before.
/// </summary>
public sealed class BookProductTests
{
    private ShopifyHarness _h = null!;
    private FakeShopifyCatalog _catalog = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync(
            "book_product",
            new() { ["Pipeline:Roles"] = "web,worker", ["Api:DevEndpoints"] = "false" }
        );
        _catalog = new FakeShopifyCatalog(_h.Shopify);
        _h.Shopify.Answer = _catalog.Answer;
    }

    [OneTimeTearDown]
    public async Task Stop() => await _h.DisposeAsync();

    [Test]
    public async Task One_click_makes_the_book_product_and_a_paid_order_of_it_releases_the_book()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using var api = _h.App.CreateClient();
        api.DefaultRequestHeaders.Authorization = new("Bearer", ShopifyKit.SessionToken(shop));
        var home = await api.GetStringAsync(ShopifyKit.AdminUrl("/", shop));
        Assert.That(home, Does.Contain("id=\"create-book-product\""), "the guide offers the step");
        Assert.That(home, Does.Contain("addAppBlockId=").And.Contain("/personalize&amp;target=mainSection"));

        // Before: a paid order names a preview, but no book product is chosen — the book stays a preview.
        var before = await PreviewAsync(shop);
        await PayAsync(shop, before, productId: 4242, orderId: 6001);
        Assert.That((await StoryAsync(before)).Released, Is.False);

        var made = await api.PostAsync("/api/setup/book-product", null);
        var body = await made.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(made.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        var productId = body.GetProperty("productId").GetString()!;
        var product = _catalog.Products[productId];
        var variant = product.Input["variants"]![0]!;
        Assert.That(
            (product.Handle, product.Status, variant["price"]!.GetValue<string>()),
            Is.EqualTo(("personalized-storybook", "ACTIVE", "19.99"))
        );
        Assert.That(variant["inventoryItem"]!["requiresShipping"]!.GetValue<bool>(), Is.False, "a digital product");
        Assert.That(product.Input["metafields"]![0]!["namespace"]!.GetValue<string>(), Is.EqualTo("$app:storybook"));
        Assert.That(product.Publications, Does.Contain(FakeShopifyCatalog.OnlineStore));

        // Again: the same product (found by its handle), chosen once.
        var again = await (
            await api.PostAsync("/api/setup/book-product", null)
        ).Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(again.GetProperty("productId").GetString(), Is.EqualTo(productId));
        Assert.That(
            _catalog.Products.Values.Count(p => p.Shop == shop && p.Handle == "personalized-storybook"),
            Is.EqualTo(1)
        );
        await using (var db = _h.App.Db())
            Assert.That(
                (await db.Shops.SingleAsync(s => s.Domain == shop)).Settings.BookProductIds,
                Is.EqualTo(new[] { productId.Split('/')[^1] })
            );
        Assert.That(await api.GetStringAsync(ShopifyKit.AdminUrl("/", shop)), Does.Not.Contain("create-book-product"));

        // After: a paid order of that product releases the book.
        var after = await PreviewAsync(shop);
        await PayAsync(shop, after, productId: long.Parse(productId.Split('/')[^1]), orderId: 6002);
        var released = await StoryAsync(after);
        Assert.That((released.Released, released.ShopifyOrderId), Is.EqualTo((true, "6002")));
    }

    [Test]
    public async Task The_setup_guide_reads_the_book_product_back_from_shopify_and_one_click_mends_it()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using var api = _h.App.CreateClient();
        api.DefaultRequestHeaders.Authorization = new("Bearer", ShopifyKit.SessionToken(shop));
        async Task<string> StepAsync()
        {
            var home = await api.GetStringAsync(ShopifyKit.AdminUrl("/", shop));
            var start = home.IndexOf("id=\"setup-product\"", StringComparison.Ordinal);
            Assert.That(start, Is.GreaterThan(0), home);
            var li = home.LastIndexOf("<li", start, StringComparison.Ordinal);
            return home[li..home.IndexOf("</li>", start, StringComparison.Ordinal)];
        }
        async Task<string> SetUpAsync()
        {
            var made = await api.PostAsync("/api/setup/book-product", null);
            Assert.That(made.StatusCode, Is.EqualTo(HttpStatusCode.OK), await made.Content.ReadAsStringAsync());
            return (await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("productId").GetString()!;
        }

        var id = await SetUpAsync();
        var step = await StepAsync();
        Assert.That(step, Does.StartWith("<li class=\"done\""));
        Assert.That(step, Does.Contain($"href=\"https://{shop}/products/personalized-storybook\""));

        // Turned back to a draft in Shopify's admin: the guide says so, links to it, and offers the mend.
        _catalog.Products[id].Status = "DRAFT";
        step = await StepAsync();
        Assert.That(step, Does.StartWith("<li class=\"todo\"").And.Contain("is a draft: set it to Active."));
        Assert.That(step, Does.Contain($"https://{shop}/admin/products/{id.Split('/')[^1]}"));
        Assert.That(step, Does.Contain("id=\"create-book-product\""));
        Assert.That(await SetUpAsync(), Is.EqualTo(id));
        Assert.That(_catalog.Products[id].Status, Is.EqualTo("ACTIVE"));
        Assert.That(await StepAsync(), Does.StartWith("<li class=\"done\""));

        // Taken off the Online Store: not buyable.
        _catalog.Products[id].Publications.Clear();
        Assert.That(await StepAsync(), Does.Contain("is not on the Online Store sales channel."));
        await SetUpAsync();
        Assert.That(_catalog.Products[id].Publications, Does.Contain(FakeShopifyCatalog.OnlineStore));

        // Deleted in Shopify: the guide says so; the click makes a new one and the deleted one leaves Book products.
        _catalog.Products.TryRemove(id, out _);
        step = await StepAsync();
        Assert.That(step, Does.Contain($"product {id.Split('/')[^1]} was deleted in Shopify."));
        var again = await SetUpAsync();
        Assert.That(again, Is.Not.EqualTo(id));
        await using var db = _h.App.Db();
        Assert.That(
            (await db.Shops.SingleAsync(s => s.Domain == shop)).Settings.BookProductIds,
            Is.EqualTo(new[] { again.Split('/')[^1] })
        );
        Assert.That(await StepAsync(), Does.StartWith("<li class=\"done\""));
    }

    private async Task<Guid> PreviewAsync(string shop)
    {
        await using var db = _h.App.Db();
        var shopId = await db.Shops.Where(s => s.Domain == shop).Select(s => s.Id).SingleAsync();
        var story = StoryCreation.NewStory(
            new PersonalizationRequest("Mia", "3-5", "space", "en", null, []),
            shopId,
            DateTimeOffset.UtcNow
        );
        story.Released = false;
        story.Status = StoryStatus.Preview;
        db.Stories.Add(story);
        await db.SaveChangesAsync();
        return story.Id;
    }

    private async Task PayAsync(string shop, Guid story, long productId, long orderId)
    {
        var order = new
        {
            id = orderId,
            customer = new { id = 7001 },
            line_items = new object[]
            {
                new
                {
                    id = orderId * 10,
                    product_id = productId,
                    quantity = 1,
                    price = "19.99",
                    title = "Personalized storybook",
                    properties = new[] { new { name = "_story_id", value = story.ToString() } },
                },
            },
        };
        using var http = _h.App.CreateClient();
        var response = await http.SendAsync(ShopifyKit.Webhook("orders/paid", shop, JsonSerializer.Serialize(order)));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Task.Delay(300);
    }

    private async Task<Story> StoryAsync(Guid id)
    {
        for (var i = 0; i < 50; i++)
        {
            await using var db = _h.App.Db();
            var story = await db.Stories.AsNoTracking().SingleAsync(s => s.Id == id);
            if (story.Released || story.FailureReason is not null || i == 49)
                return story;
            await Task.Delay(100);
        }
        throw new InvalidOperationException("unreachable");
    }
}
