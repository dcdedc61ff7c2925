using System.Net;
using System.Text.Json;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Shopify;

/// <summary>When Shopify cannot be reached, the merchant reads what happened and what to try (503, Retry-After; a page
/// for a page, ProblemDetails for a fetch) — not a bare "status 500".</summary>
public sealed class ShopifyUnavailableTests
{
    [Test]
    public async Task A_merchant_is_told_shopify_could_not_be_reached_and_what_to_try()
    {
        // Shopify's address points at a port nothing listens on.
        await using var h = await ShopifyHarness.StartAsync(
            "shopify-down",
            new() { ["Api:DevEndpoints"] = "false", ["Shopify:ShopUrlTemplate"] = "http://127.0.0.1:9/{shop}" }
        );
        var (shop, _) = await h.InstalledShopAsync();
        using var http = h.App.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", ShopifyKit.SessionToken(shop));

        var fetch = await http.PostAsync("/api/setup/book-product", null);
        Assert.That(fetch.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(fetch.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(60)));
        using var problem = JsonDocument.Parse(await fetch.Content.ReadAsStringAsync());
        Assert.That(problem.RootElement.GetProperty("title").GetString(), Is.EqualTo("Shopify could not be reached."));
        Assert.That(problem.RootElement.GetProperty("detail").GetString(), Does.Contain("Try again in a minute"));

        using var page = new HttpRequestMessage(HttpMethod.Post, "/api/setup/book-product");
        page.Headers.Add("Sec-Fetch-Dest", "document");
        var html = await http.SendAsync(page);
        Assert.That(html.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(
            await html.Content.ReadAsStringAsync(),
            Does.Contain("<h1").And.Contain("Shopify could not be reached")
        );
    }
}
