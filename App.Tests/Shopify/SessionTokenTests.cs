using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Shopify;

/// <summary>The admin API behind App Bridge session tokens, with Production rules (no dev shop fallback).</summary>
public sealed class SessionTokenTests
{
    private ShopifyHarness _h = null!;
    private AppFactory _app = null!;
    private HttpClient _http = null!;
    private FakeShopify _shopify = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync("session", new() { ["Api:DevEndpoints"] = "false" });
        (_shopify, _app) = (_h.Shopify, _h.App);
        _http = _app.CreateClient();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _h.DisposeAsync();
    }

    [Test]
    public async Task First_contact_exchanges_the_session_token_for_an_expiring_offline_token_stored_encrypted()
    {
        var shop = ShopifyKit.RandomShop();
        var response = await Send(HttpMethod.Get, $"/api/stories/{Guid.NewGuid()}", ShopifyKit.SessionToken(shop));

        Assert.That(
            response.StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound),
            "authenticated; the story just does not exist"
        );
        Assert.That(_shopify.Grants, Does.Contain("urn:ietf:params:oauth:grant-type:token-exchange"));
        await using var db = _app.Db();
        var row = await db.Shops.SingleAsync(s => s.Domain == shop);
        Assert.That(row.AccessToken, Is.Not.Null.And.Not.StartsWith("shpat_"), "encrypted at rest");
        Assert.That(row.RefreshToken, Is.Not.Null.And.Not.StartsWith("shprt_"));
        Assert.That(row.AccessTokenExpiresAt, Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(50)));
        Assert.That(row.Scopes, Does.Contain("write_products"));
        var tokens = _app.Services.GetRequiredService<StorybookShop.Shopify.ShopifyTokens>();
        Assert.That(await tokens.GetAccessTokenAsync(shop, CancellationToken.None), Does.StartWith("shpat_"));
    }

    [Test]
    public async Task A_session_token_Shopify_refuses_to_exchange_is_401_with_the_retry_header()
    {
        _shopify.RejectTokenExchange = true;
        try
        {
            var response = await Send(
                HttpMethod.Post,
                "/api/stories",
                ShopifyKit.SessionToken(ShopifyKit.RandomShop()),
                Book("Refused")
            );
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(
                response.Headers.GetValues("X-Shopify-Retry-Invalid-Session-Request").Single(),
                Is.EqualTo("1")
            );
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("invalid_subject_token"));
        }
        finally
        {
            _shopify.RejectTokenExchange = false;
        }
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string url, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url)
        {
            Content = body is null ? null : JsonContent.Create(body),
        };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request);
    }

    private static object Book(string name) =>
        new
        {
            childName = name,
            ageGroup = "3-5",
            genre = "space",
        };

    [Test]
    public async Task A_valid_session_token_acts_for_its_shop_which_is_created_on_first_contact()
    {
        var shop = ShopifyKit.RandomShop();
        var response = await Send(HttpMethod.Post, "/api/stories", ShopifyKit.SessionToken(shop), Book("Maya"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(
            response.Headers.GetValues("Content-Security-Policy").Single(),
            Is.EqualTo($"frame-ancestors https://{shop} https://admin.shopify.com;")
        );
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await using var db = _app.Db();
        var story = await db.Stories.Include(s => s.Shop).SingleAsync(s => s.Id == id);
        Assert.That(story.Shop!.Domain, Is.EqualTo(shop));
    }

    [Test]
    public async Task One_shop_can_never_read_another_shops_story()
    {
        var owner = ShopifyKit.RandomShop();
        var created = await Send(HttpMethod.Post, "/api/stories", ShopifyKit.SessionToken(owner), Book("Omar"));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var other = ShopifyKit.SessionToken(ShopifyKit.RandomShop());
        Assert.That(
            (await Send(HttpMethod.Get, $"/api/stories/{id}", other)).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound)
        );
        Assert.That(
            (await Send(HttpMethod.Get, $"/api/stories/{id}/status", other)).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound)
        );
        Assert.That(
            (await Send(HttpMethod.Get, $"/api/stories/{id}", ShopifyKit.SessionToken(owner))).StatusCode,
            Is.EqualTo(HttpStatusCode.OK)
        );
    }

    // Tokens are made when the case runs, not when NUnit discovers it: times are relative to now.
    private static readonly Dictionary<string, Func<string>> BadTokens = new()
    {
        ["expired"] = () => ShopifyKit.SessionToken(BadShop, expiresIn: TimeSpan.FromSeconds(-30)),
        ["future-dated"] = () =>
            ShopifyKit.SessionToken(BadShop, notBeforeIn: TimeSpan.FromSeconds(40), expiresIn: TimeSpan.FromMinutes(2)),
        ["another app"] = () => ShopifyKit.SessionToken(BadShop, audience: "another-app"),
        ["another secret"] = () => ShopifyKit.SessionToken(BadShop, secret: "a-different-secret-0123456789abcdef"),
        ["not a shop"] = () =>
            ShopifyKit.SessionToken(BadShop, dest: "https://evil.com", iss: "https://evil.com/admin"),
        ["issuer is another shop"] = () =>
            ShopifyKit.SessionToken(BadShop, iss: "https://other-shop.myshopify.com/admin"),
        ["garbage"] = () => "not.a.jwt",
    };

    private const string BadShop = "bad-token-shop.myshopify.com";

    [TestCase("expired")]
    [TestCase("future-dated")]
    [TestCase("another app")]
    [TestCase("another secret")]
    [TestCase("not a shop")]
    [TestCase("issuer is another shop")]
    [TestCase("garbage")]
    public async Task Bad_tokens_get_401_with_the_retry_header_and_create_nothing(string kind)
    {
        var response = await Send(HttpMethod.Post, "/api/stories", BadTokens[kind](), Book("Nope"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.GetValues("X-Shopify-Retry-Invalid-Session-Request").Single(), Is.EqualTo("1"));
        await using var db = _app.Db();
        Assert.That(await db.Stories.AnyAsync(s => s.ChildName == "Nope"), Is.False);
    }

    [Test]
    public async Task A_token_within_the_ten_second_leeway_is_accepted()
    {
        var response = await Send(
            HttpMethod.Post,
            "/api/stories",
            ShopifyKit.SessionToken(ShopifyKit.RandomShop(), expiresIn: TimeSpan.FromSeconds(-3)),
            Book("Lee")
        );
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
    }

    [Test]
    public async Task Without_a_token_outside_development_the_api_is_closed()
    {
        var response = await Send(HttpMethod.Get, $"/api/stories/{Guid.NewGuid()}", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_token_signed_with_the_previous_secret_still_works_during_rotation()
    {
        var response = await Send(
            HttpMethod.Post,
            "/api/stories",
            ShopifyKit.SessionToken(ShopifyKit.RandomShop(), secret: ShopifyKit.PreviousSecret),
            Book("Rota")
        );
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
    }
}
