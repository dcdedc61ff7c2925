using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Shopify;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Shopify;

/// <summary>The Admin GraphQL client against the fake Shopify: versioning, cost-aware throttling, retries, auth and
/// userErrors.</summary>
public sealed class ShopifyGraphQLTests
{
    private ShopifyHarness _h = null!;
    private FakeShopify _shopify = null!;
    private AppFactory _app = null!;

    [SetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync("graphql");
        (_shopify, _app) = (_h.Shopify, _h.App);
        _catalog = new FakeShopifyCatalog(_shopify);
        _shopify.Answer = _catalog.Answer;
    }

    private FakeShopifyCatalog _catalog = null!;
    private const string Products = StorybookShop.Admin.ShopProducts.Products;

    [TearDown]
    public async Task Stop() => await _h.DisposeAsync();

    private ShopifyGraphQL Client => _app.Services.GetRequiredService<ShopifyGraphQL>();

    private async Task<string> InstalledShopAsync(bool refreshValid = true) =>
        (await _h.InstalledShopAsync(refreshValid: refreshValid)).Shop;

    [Test]
    public async Task A_query_goes_to_the_configured_api_version_with_the_shops_token_and_returns_data()
    {
        var shop = await InstalledShopAsync();
        _catalog.ShopProducts[shop] = [("8001", "Personalized storybook")];

        var data = await Client.QueryAsync(shop, Products);

        Assert.That(
            data.GetProperty("products").GetProperty("nodes")[0].GetProperty("title").GetString(),
            Is.EqualTo("Personalized storybook")
        );
        var call = _shopify.GraphQLCalls.Single();
        var version = _app
            .Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ShopifyOptions>>()
            .Value.ApiVersion;
        Assert.That((call.Version, call.Query), Is.EqualTo((version, Products)));
        Assert.That(
            version,
            Is.EqualTo(ShopifyContract.Version),
            "the app speaks the version whose schema the tests hold"
        );
        Assert.That(call.AccessToken, Does.StartWith("shpat_"));
    }

    [Test]
    public async Task A_low_bucket_makes_the_client_wait_before_sending_instead_of_being_throttled()
    {
        var shop = await InstalledShopAsync();
        _shopify.MaximumAvailable = 120;
        _shopify.RestoreRate = 60;
        // Fifty products: the query costs what it asked for (Shopify refunds what an answer did not use).
        _catalog.ShopProducts[shop] = [.. Enumerable.Range(1, 50).Select(i => ($"{9000 + i}", $"Product {i}"))];
        var watch = Stopwatch.StartNew();

        // The products query costs 2 + 50 × 1 = 52 points by Shopify's rules: the client learns it from the answer.
        for (var i = 0; i < 6; i++)
            await Client.QueryAsync(shop, Products);

        // 6 x 52 = 312 points from a 120-point bucket refilling at 60/s: at least ~3.2 s of waiting.
        Assert.That(watch.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(2)));
        Assert.That(_shopify.GraphQLCalls.Select(c => c.RequestedCost).Distinct(), Is.EqualTo(new[] { 52 }));
        Assert.That(
            _shopify.GraphQLCalls,
            Has.Count.LessThanOrEqualTo(7),
            "at most one THROTTLED answer while the client learns the bucket"
        );
    }

    [Test]
    public async Task A_throttled_answer_arriving_as_http_200_is_retried()
    {
        var shop = await InstalledShopAsync();
        _catalog.ShopProducts[shop] = [("8001", "Storybook")];
        _shopify.FailNext.Enqueue(0);
        var data = await Client.QueryAsync(shop, Products);
        Assert.That(data.GetProperty("products").GetProperty("nodes").GetArrayLength(), Is.EqualTo(1));
        Assert.That(_shopify.GraphQLCalls, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Http_429_and_5xx_end_the_call_for_the_job_to_retry_and_are_not_retried_inside_it()
    {
        var shop = await InstalledShopAsync();
        _shopify.FailNext.Enqueue(429);
        _shopify.FailNext.Enqueue(503);

        var throttled = await Assert.ThrowsAsync<HttpRequestException>(() => Client.QueryAsync(shop, Products));
        Assert.That(throttled!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.TooManyRequests));
        Assert.That(StorybookShop.Generation.StoryStageJob.IsPermanent(throttled), Is.False, "a job retries it");
        Assert.That(_shopify.GraphQLCalls, Has.Count.EqualTo(1), "one call: the job is the retry layer");
        var down = await Assert.ThrowsAsync<HttpRequestException>(() => Client.QueryAsync(shop, Products));
        Assert.That(down!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.ServiceUnavailable));
        await Client.QueryAsync(shop, Products);
        Assert.That(_shopify.GraphQLCalls, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task A_revoked_access_token_is_refreshed_once_and_the_query_goes_through()
    {
        var shop = await InstalledShopAsync();
        _shopify.RevokeAccessTokens(shop);
        var refreshes = _shopify.RefreshCalls;
        await Client.QueryAsync(shop, Products);
        Assert.That(_shopify.RefreshCalls - refreshes, Is.EqualTo(1));
        var calls = _shopify.GraphQLCalls.ToList();
        Assert.That(calls, Has.Count.EqualTo(2));
        Assert.That(calls[1].AccessToken, Is.Not.EqualTo(calls[0].AccessToken));
    }

    [Test]
    public async Task When_the_refresh_fails_too_the_shop_is_marked_for_reauthentication()
    {
        var shop = await InstalledShopAsync(refreshValid: false);
        _shopify.RevokeAccessTokens(shop);
        await Assert.ThrowsAsync<ShopifyAuthException>(() => Client.QueryAsync(shop, Products));
        await using var db = _app.Db();
        Assert.That((await db.Shops.SingleAsync(s => s.Domain == shop)).NeedsReauth, Is.True);
    }

    [Test]
    public async Task User_errors_on_a_mutation_are_a_typed_failure_naming_the_field()
    {
        var shop = await InstalledShopAsync();
        var error = await Assert.ThrowsAsync<ShopifyUserErrorsException>(() =>
            Client.MutateAsync(
                shop,
                StorybookShop.Publishing.ProductPublisher.ProductSet,
                "productSet",
                new { identifier = new { handle = "storybook-x" }, input = new { title = "" } }
            )
        );
        Assert.That(
            error!.Errors.Single(),
            Is.EqualTo(new UserError(["input", "title"], "Title can't be blank", "INVALID_PRODUCT"))
                .Using<UserError>(
                    (a, b) => a.Field.SequenceEqual(b.Field) && a.Message == b.Message && a.Code == b.Code
                )
        );
        Assert.That(
            _shopify.GraphQLCalls.Single().Variables!["input"]!["title"]!.GetValue<string>(),
            Is.EqualTo(""),
            "variables reach Shopify as sent"
        );
        Assert.That(ShopifyRefusal.IsPermanent(error), Is.True, "Shopify would refuse it again");
    }

    [Test]
    public async Task A_query_shopify_refuses_is_reported_with_its_code_and_not_retried()
    {
        var shop = await InstalledShopAsync();
        var error = await Assert.ThrowsAsync<ShopifyGraphQLException>(() =>
            Client.QueryAsync(shop, "query products { products(first: 5) { nodes { id nope } } }")
        );
        Assert.That(error!.Message, Does.Contain("Cannot query field \"nope\" on type \"Product\""));
        Assert.That(error.Codes, Is.EqualTo(new[] { "undefinedField" }));
        Assert.That((error.IsPermanent, ShopifyRefusal.IsPermanent(error)), Is.EqualTo((true, true)));
        Assert.That(_shopify.GraphQLCalls, Has.Count.EqualTo(1), "a query Shopify rejects is not sent again");
        Assert.That(ShopifyContract.Expect(ShopifyContract.ViolationKind.Refused), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_query_over_the_single_query_cost_limit_is_refused_as_max_cost_exceeded_and_not_retried()
    {
        var shop = await InstalledShopAsync();
        // The delivery query this app used to send: 1 + 2 + 20 × (1 + 2 + 50 × 2) = 2,063 points.
        const string TooCostly = """
            query fulfillmentOrders($id: ID!) {
              order(id: $id) { fulfillmentOrders(first: 20) { nodes { id status lineItems(first: 50) { nodes {
                id remainingQuantity lineItem { id } } } } } }
            }
            """;
        var error = await Assert.ThrowsAsync<ShopifyGraphQLException>(() =>
            Client.QueryAsync(shop, TooCostly, new { id = "gid://shopify/Order/1" })
        );
        Assert.That(error!.Codes, Is.EqualTo(new[] { "MAX_COST_EXCEEDED" }));
        Assert.That(error.Message, Does.Contain("Query cost is 2063"));
        Assert.That(ShopifyRefusal.IsPermanent(error), Is.True);
        Assert.That(_shopify.GraphQLCalls, Has.Count.EqualTo(1));
        Assert.That(ShopifyContract.Expect(ShopifyContract.ViolationKind.Refused), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_variable_shopify_cannot_coerce_is_refused_as_invalid_variable()
    {
        var shop = await InstalledShopAsync();
        var error = await Assert.ThrowsAsync<ShopifyGraphQLException>(() =>
            Client.MutateAsync(
                shop,
                StorybookShop.Storefront.DeliverJob.FulfillmentCreate,
                "fulfillmentCreate",
                new
                {
                    fulfillment = new
                    {
                        notifyCustomer = true,
                        trackingInfo = new
                        {
                            company = "StorybookShop",
                            number = "Download",
                            url = "/downloads/abc",
                        },
                        lineItemsByFulfillmentOrder = new[]
                        {
                            new
                            {
                                fulfillmentOrderId = "gid://shopify/FulfillmentOrder/101",
                                fulfillmentOrderLineItems = new[]
                                {
                                    new { id = "gid://shopify/FulfillmentOrderLineItem/1", quantity = 1 },
                                },
                            },
                        },
                    },
                }
            )
        );
        Assert.That(error!.Codes, Is.EqualTo(new[] { "INVALID_VARIABLE" }));
        Assert.That(error.Message, Does.Contain("trackingInfo.url").And.Contain("URL"));
        Assert.That(ShopifyRefusal.IsPermanent(error), Is.True);
        Assert.That(ShopifyContract.Expect(ShopifyContract.ViolationKind.Refused), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task An_internal_error_from_shopify_is_worth_another_attempt()
    {
        var shop = await InstalledShopAsync();
        _catalog.FailOnce.Enqueue("products");
        var error = await Assert.ThrowsAsync<ShopifyGraphQLException>(() => Client.QueryAsync(shop, Products));
        Assert.That(error!.Codes, Is.EqualTo(new[] { "INTERNAL_SERVER_ERROR" }));
        Assert.That(ShopifyRefusal.IsPermanent(error), Is.False, "the job tries again");
    }
}
