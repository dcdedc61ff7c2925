using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Shopify;

/// <summary>Opening the app inside the admin: a document load with an id token, or the bounce page without
/// one.</summary>
public sealed class EmbeddedLoadTests
{
    private ShopifyHarness _h = null!;
    private AppFactory _app = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync("embedded", new() { ["Api:DevEndpoints"] = "false" });
        // The admin's first load reads the shop's time zone and currency: Shopify answers them.
        _h.Shopify.Answer = new FakeShopifyCatalog(_h.Shopify).Answer;
        _app = _h.App;
        _http = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _h.DisposeAsync();
    }

    [Test]
    public async Task A_document_load_with_a_valid_id_token_installs_the_shop_and_renders_inside_its_admin_only()
    {
        var shop = ShopifyKit.RandomShop();
        var response = await _http.GetAsync(
            $"/?shop={shop}&host=YWRtaW4&embedded=1&id_token={ShopifyKit.SessionToken(shop)}"
        );

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(
            response.Headers.GetValues("Content-Security-Policy").Single(),
            Is.EqualTo($"frame-ancestors https://{shop} https://admin.shopify.com;")
        );
        var html = await response.Content.ReadAsStringAsync();
        Assert.That(
            html,
            Does.Contain($"Installed on <strong>{shop}</strong>")
                .And.Contain("app-bridge.js")
                .And.Contain($"content=\"{ShopifyKit.ClientId}\"")
        );
        await using var db = _app.Db();
        Assert.That(
            (await db.Shops.SingleAsync(s => s.Domain == shop)).AccessToken,
            Is.Not.Null,
            "token exchange on first load"
        );
    }

    [Test]
    public async Task A_document_load_without_a_valid_id_token_goes_to_the_bounce_page_and_comes_back_to_the_same_url()
    {
        var shop = ShopifyKit.RandomShop();
        foreach (
            var token in new[]
            {
                "",
                ShopifyKit.SessionToken(shop, expiresIn: TimeSpan.FromMinutes(-5)),
                ShopifyKit.SessionToken(ShopifyKit.RandomShop()),
            }
        )
        {
            var response = await _http.GetAsync($"/?shop={shop}&host=YWRtaW4&id_token={token}");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            var location = response.Headers.Location!;
            Assert.That(location.OriginalString, Does.StartWith("/session-token-bounce?"));
            var reload = QueryHelpers
                .ParseQuery(location.OriginalString[(location.OriginalString.IndexOf('?') + 1)..])["shopify-reload"]
                .ToString();
            Assert.That(reload, Does.Contain($"shop={shop}").And.Contain("host=YWRtaW4").And.Not.Contain("id_token"));
        }
        var bounce = await (await _http.GetAsync($"/session-token-bounce?shop={shop}")).Content.ReadAsStringAsync();
        Assert.That(
            bounce,
            Does.Contain("https://cdn.shopify.com/shopifycloud/app-bridge.js")
                .And.Match($"<meta name=\"shopify-api-key\" content=\"{ShopifyKit.ClientId}\"\\s*/?>")
        );
    }

    [TestCase("")]
    [TestCase("evil.com")]
    public async Task Opening_the_app_without_a_shop_is_400(string shop) =>
        Assert.That((await _http.GetAsync($"/?shop={shop}")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
}
