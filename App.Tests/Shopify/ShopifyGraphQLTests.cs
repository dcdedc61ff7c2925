using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Shopify;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Shopify;

/// <summary>The Admin GraphQL client against the fake Shopify: versioning, cost-aware throttling, retries, auth and userErrors.</summary>
public sealed class ShopifyGraphQLTests
{
    private ShopifyHarness _h = null!;
    private FakeShopify _shopify = null!;
    private AppFactory _app = null!;

    [SetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync("graphql", new() { ["Shopify:ApiVersion"] = "2026-07" });
        (_shopify, _app) = (_h.Shopify, _h.App);
    }

    [TearDown]
    public async Task Stop() => await _h.DisposeAsync();

    private ShopifyGraphQL Client => _app.Services.GetRequiredService<ShopifyGraphQL>();

    private async Task<string> InstalledShopAsync(bool refreshValid = true) =>
        (await _h.InstalledShopAsync(refreshValid: refreshValid)).Shop;

    [Test]
    public async Task A_query_goes_to_the_configured_api_version_with_the_shops_token_and_returns_data()
    {
        var shop = await InstalledShopAsync();
        _shopify.Answer = call => new JsonObject { ["shop"] = new JsonObject { ["name"] = "Fake " + call.Shop } };

        var data = await Client.QueryAsync(shop, StorybookShop.Publishing.ProductPublisher.Publications);

        Assert.That(data.GetProperty("shop").GetProperty("name").GetString(), Is.EqualTo("Fake " + shop));
        var call = _shopify.GraphQLCalls.Single();
        Assert.That((call.Version, call.Query), Is.EqualTo(("2026-07",
            StorybookShop.Publishing.ProductPublisher.Publications)));
        Assert.That(call.AccessToken, Does.StartWith("shpat_"));
    }

    [Test]
    public async Task A_low_bucket_makes_the_client_wait_before_sending_instead_of_being_throttled()
    {
        var shop = await InstalledShopAsync();
        _shopify.MaximumAvailable = 100;
        _shopify.RestoreRate = 50;
        _shopify.QueryCost = 40;
        var watch = Stopwatch.StartNew();

        for (var i = 0; i < 6; i++) await Client.QueryAsync(shop,
            StorybookShop.Publishing.ProductPublisher.Publications, expectedCost: 40);

        // 6 x 40 = 240 points from a 100-point bucket refilling at 50/s: at least ~2.8 s of waiting.
        Assert.That(watch.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(2)));
        Assert.That(_shopify.GraphQLCalls, Has.Count.LessThanOrEqualTo(7),
            "at most one THROTTLED answer while the client learns the bucket");
    }

    [Test]
    public async Task A_throttled_answer_arriving_as_http_200_is_retried()
    {
        var shop = await InstalledShopAsync();
        _shopify.FailNext.Enqueue(0);
        _shopify.Answer = _ => new JsonObject { ["ok"] = true };
        var data = await Client.QueryAsync(shop, StorybookShop.Publishing.ProductPublisher.Publications);
        Assert.That(data.GetProperty("ok").GetBoolean(), Is.True);
        Assert.That(_shopify.GraphQLCalls, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Http_429_and_5xx_end_the_call_for_the_job_to_retry_and_are_not_retried_inside_it()
    {
        var shop = await InstalledShopAsync();
        _shopify.FailNext.Enqueue(429);
        _shopify.FailNext.Enqueue(503);

        var throttled = await Assert.ThrowsAsync<HttpRequestException>(() => Client.QueryAsync(shop,
            StorybookShop.Publishing.ProductPublisher.Publications));
        Assert.That(throttled!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.TooManyRequests));
        Assert.That(StorybookShop.Generation.StoryStageJob.IsPermanent(throttled), Is.False, "a job retries it");
        Assert.That(_shopify.GraphQLCalls, Has.Count.EqualTo(1), "one call: the job is the retry layer");
        var down = await Assert.ThrowsAsync<HttpRequestException>(() => Client.QueryAsync(shop,
            StorybookShop.Publishing.ProductPublisher.Publications));
        Assert.That(down!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.ServiceUnavailable));
        await Client.QueryAsync(shop, StorybookShop.Publishing.ProductPublisher.Publications);
        Assert.That(_shopify.GraphQLCalls, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task A_revoked_access_token_is_refreshed_once_and_the_query_goes_through()
    {
        var shop = await InstalledShopAsync();
        _shopify.RevokeAccessTokens(shop);
        var refreshes = _shopify.RefreshCalls;
        await Client.QueryAsync(shop, StorybookShop.Publishing.ProductPublisher.Publications);
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
        await Assert.ThrowsAsync<ShopifyAuthException>(() => Client.QueryAsync(shop,
            StorybookShop.Publishing.ProductPublisher.Publications));
        await using var db = _app.Db();
        Assert.That((await db.Shops.SingleAsync(s => s.Domain == shop)).NeedsReauth, Is.True);
    }

    [Test]
    public async Task User_errors_on_a_mutation_are_a_typed_failure_naming_the_field()
    {
        var shop = await InstalledShopAsync();
        _shopify.Answer = _ => new JsonObject
        {
            ["productSet"] = new JsonObject
            {
                ["product"] = null,
                ["userErrors"] = new JsonArray(new JsonObject { ["field"] = new JsonArray("input", "title"),
                    ["message"] = "Title can't be blank", ["code"] = "BLANK" }),
            },
        };
        var error = await Assert.ThrowsAsync<ShopifyUserErrorsException>(() =>
            Client.MutateAsync(shop,
                "mutation productSet($input: ProductSetInput!) { productSet(input: $input) { product { id } userErrors { field message code } } }", "productSet", new { input = new { title = "" } }));
        Assert.That(error!.Errors.Single(), Is.EqualTo(new UserError(["input", "title"], "Title can't be blank",
            "BLANK")).Using<UserError>((a, b) =>
            a.Field.SequenceEqual(b.Field) && a.Message == b.Message && a.Code == b.Code));
        Assert.That(_shopify.GraphQLCalls.Single().Variables!["input"]!["title"]!.GetValue<string>(), Is.EqualTo(""),
            "variables reach Shopify as sent");
    }

    [Test]
    public async Task Other_graphql_errors_are_reported_not_retried()
    {
        var shop = await InstalledShopAsync();
        _shopify.QueryError = "Field 'nope' doesn't exist on type 'Shop'";
        var error = await Assert.ThrowsAsync<ShopifyGraphQLException>(() => Client.QueryAsync(shop,
            "query publications { nope }"));
        Assert.That(error!.Message, Does.Contain("Field 'nope' doesn't exist"));
        Assert.That(_shopify.GraphQLCalls, Has.Count.EqualTo(1), "a query Shopify rejects is not sent again");
    }
}
