using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Shopify;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Shopify;

/// <summary>
/// Every Admin API call has the scope it needs: the app's table, shopify.app.toml and the settings agree, and the fake
/// Shopify — which enforces scopes from Shopify's reference as the real one does — refuses a call without its scope.
/// </summary>
public sealed class ScopeTests
{
    private ShopifyHarness _h = null!;
    private FakeShopifyCatalog _catalog = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync("scopes");
        _catalog = new FakeShopifyCatalog(_h.Shopify);
        _h.Shopify.Answer = _catalog.Answer;
    }

    [OneTimeTearDown]
    public async Task Stop() => await _h.DisposeAsync();

    /// <summary>Each GraphQL document the app sends, found by reflection over the app's constants.</summary>
    private static Dictionary<string, string> Documents() =>
        ShopifyContractTests
            .AppOperations()
            .ToDictionary(o => ShopifyScopes.OperationName(o.Document)!, o => o.Document);

    /// <summary>Every operation that needs a scope (the Billing API's need none).</summary>
    private static IEnumerable<string> Operations() =>
        ShopifyScopes.Required.Where(r => r.Value.Length > 0).Select(r => r.Key);

    [Test]
    public void The_scope_table_the_toml_and_the_settings_agree()
    {
        Assert.That(ShopifyKit.TomlScopes, Is.EqualTo(ShopifyScopes.Requested), "shopify.app.toml [access_scopes]");
        Assert.That(new ShopifyOptions().Scopes, Is.EqualTo(ShopifyScopes.Requested));
        using var settings = JsonDocument.Parse(File.ReadAllText(ShopifyKit.Repo("appsettings.json")));
        Assert.That(
            settings.RootElement.GetProperty("Shopify").GetProperty("Scopes").GetString(),
            Is.EqualTo(ShopifyScopes.Requested)
        );
        Assert.That(
            ShopifyScopes.Requested,
            Does.Not.Contain("write_fulfillments"),
            "fulfillment orders have scopes of their own"
        );
    }

    [Test]
    public void Every_operation_the_app_sends_is_in_the_table_and_every_table_entry_is_sent()
    {
        Assert.That(Documents().Keys, Is.EquivalentTo(ShopifyScopes.Required.Keys));
    }

    [TestCaseSource(nameof(Operations))]
    public async Task A_call_without_its_scope_is_refused_by_Shopify_and_fails_fast_once_the_grant_is_known(
        string operation
    )
    {
        var lacking = ShopifyScopes.Required[operation][0];
        // A read_ scope is granted through its write_ scope: take both away.
        var granted = string.Join(
            ',',
            ShopifyScopes.Requested.Split(',').Where(s => s != lacking && s != "write_" + lacking[5..])
        );
        var document = Documents()[operation];
        var graphql = _h.App.Services.GetRequiredService<ShopifyGraphQL>();

        // Shopify refuses (HTTP 200, ACCESS_DENIED naming the scope) when the app does not know what was granted.
        var (unknown, _) = await _h.InstalledShopAsync(grantedScopes: granted, recordScopes: false);
        var refused = await Assert.ThrowsAsync<ShopifyMissingScopeException>(async () =>
            await graphql.QueryAsync(unknown, document, Variables(operation))
        );
        Assert.That(refused!.Message, Does.Contain("re-open the app"));

        // With the grant on record the client does not even ask.
        var (known, _) = await _h.InstalledShopAsync(grantedScopes: granted);
        var before = _h.Shopify.GraphQLCalls.Count(c => c.Shop == known);
        var fast = await Assert.ThrowsAsync<ShopifyMissingScopeException>(async () =>
            await graphql.QueryAsync(known, document, Variables(operation))
        );
        Assert.That(fast!.Missing, Does.Contain(ShopifyScopes.AsRequested(lacking)));
        Assert.That(_h.Shopify.GraphQLCalls.Count(c => c.Shop == known), Is.EqualTo(before), "nothing was sent");
    }

    [Test]
    public async Task Without_the_merchant_managed_scope_an_order_shows_no_fulfillment_orders()
    {
        var (shop, _) = await _h.InstalledShopAsync(
            grantedScopes: "read_orders,write_files,write_products,write_publications",
            recordScopes: false
        );
        _catalog.Orders["9901"] = new FakeShopifyCatalog.Order { Id = "9901" };
        _catalog.Orders["9901"].Lines.Add(("1", new Dictionary<string, string>(), 1));
        var data = await _h
            .App.Services.GetRequiredService<ShopifyGraphQL>()
            .QueryAsync(shop, Documents()["fulfillmentOrders"], new { id = "gid://shopify/Order/9901" });
        Assert.That(
            data.GetProperty("order").GetProperty("fulfillmentOrders").GetProperty("nodes").GetArrayLength(),
            Is.Zero,
            "with write_fulfillments alone a digital book would never be fulfilled"
        );
    }

    /// <summary>Variables Shopify accepts for each operation (it checks them before the scopes).</summary>
    private static object Variables(string operation) =>
        operation switch
        {
            "fulfillmentOrders" => new { id = "gid://shopify/Order/1" },
            "fulfillmentOrderLineItems" => new { id = "gid://shopify/FulfillmentOrder/101" },
            "fulfillmentCreate" => new
            {
                fulfillment = new
                {
                    lineItemsByFulfillmentOrder = new[]
                    {
                        new { fulfillmentOrderId = "gid://shopify/FulfillmentOrder/101" },
                    },
                },
            },
            "stagedUploadsCreate" => new
            {
                input = new[]
                {
                    new
                    {
                        resource = "IMAGE",
                        filename = "cover.jpg",
                        mimeType = "image/jpeg",
                        httpMethod = "POST",
                        fileSize = "1024",
                    },
                },
            },
            "productSet" => new { identifier = new { handle = "storybook-1" }, input = new { title = "A book" } },
            "publishablePublish" or "publishableUnpublish" => new
            {
                id = "gid://shopify/Product/1",
                input = Array.Empty<object>(),
            },
            "productUpdate" => new { product = new { id = "gid://shopify/Product/1" } },
            "orderFulfillments" => new { id = "gid://shopify/Order/1" },
            "bookProducts" => new { ids = new[] { "gid://shopify/Product/1" } },
            "fulfillmentTrackingInfoUpdate" => new
            {
                fulfillmentId = "gid://shopify/Fulfillment/1",
                trackingInfoInput = new { url = "https://books.example.com/downloads/x" },
            },
            _ => new { },
        };

    [Test]
    public async Task A_shop_whose_grant_lacks_a_new_scope_is_asked_to_approve_it_on_its_next_admin_visit()
    {
        // before publishing needed write_publications
        var old = "read_orders,write_files,write_merchant_managed_fulfillment_orders,write_products";
        var (shop, _) = await _h.InstalledShopAsync(grantedScopes: old);
        using var browser = _h.App.CreateClient();
        string Url() =>
            $"/?shop={shop}&host=YWRtaW4uc2hvcGlmeS5jb20&embedded=1&id_token={ShopifyKit.SessionToken(shop)}";

        var page = await browser.GetStringAsync(Url());
        Assert.That(
            page,
            Does.Contain("<code>write_publications</code>").And.Contain("/static/reapproval.js"),
            "Shopify's managed re-approval, for what is missing"
        );
        Assert.That(
            System.Net.WebUtility.HtmlDecode(
                System.Text.RegularExpressions.Regex.Match(page, "data-scopes=\"([^\"]*)\"").Groups[1].Value
            ),
            Is.EqualTo("[\"write_publications\"]"),
            "what the page asks App Bridge to request"
        );

        _h.Shopify.GrantedScopes[shop] = ShopifyKit.TomlScopes; // the merchant approves in Shopify's dialog
        page = await browser.GetStringAsync(Url());
        Assert.That(page, Does.Not.Contain("reapproval.js"), "the app opens normally");
        await using var db = _h.App.Db();
        Assert.That(
            db.Shops.Single(s => s.Domain == shop).Scopes,
            Is.EqualTo(ShopifyKit.TomlScopes),
            "the new grant is recorded"
        );
    }

    [Test]
    public async Task Publishing_without_its_scope_says_on_the_story_which_scope_to_approve()
    {
        var (shop, _) = await _h.InstalledShopAsync(
            grantedScopes: "read_orders,write_files,write_merchant_managed_fulfillment_orders,write_products"
        );
        Guid id;
        await using (var db = _h.App.Db())
        {
            var shopRow = db.Shops.Single(s => s.Domain == shop);
            var story = StorybookShop.Stories.StoryCreation.NewStory(
                new StorybookShop.Stories.PersonalizationRequest("Ola", "0-3", "space", "en", null, null),
                shopRow.Id,
                DateTimeOffset.UtcNow
            );
            story.Status = StorybookShop.Data.StoryStatus.Complete;
            story.Title = "Ola in space";
            story.CoverImage = StorybookShop.Storage.AssetKeys.StoryPrefix(shopRow.Id, story.Id) + "cover.jpg";
            await _h
                .App.Services.GetRequiredService<StorybookShop.Storage.IAssetStore>()
                .PutAsync(story.CoverImage, new byte[] { 0xFF, 0xD8, 0xFF }, "image/jpeg", default);
            db.Stories.Add(story);
            await db.SaveChangesAsync();
            id = story.Id;
        }
        var job = ActivatorUtilities.CreateInstance<StorybookShop.Publishing.PublishJob>(_h.App.Services);
        await job.RunAsync(id, CancellationToken.None);
        await using var check = _h.App.Db();
        var reason = check.Stories.Single(s => s.Id == id).FailureReason;
        Assert.That(reason, Does.Contain("missing scope write_publications").And.Contain("re-open the app"));
    }
}
