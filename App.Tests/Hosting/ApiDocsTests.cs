using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using StorybookShop.Hosting;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Hosting;

/// <summary>The API documents itself: every mapped /api and /proxy route is in the OpenAPI document, with its
/// errors.</summary>
public sealed partial class ApiDocsTests
{
    [Test]
    public async Task Every_mapped_api_and_proxy_route_is_in_the_document_with_its_error_responses()
    {
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("openapi"),
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web" }
        );
        using var client = app.CreateClient();
        using var response = await client.GetAsync(ApiDocs.DocumentPath);
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");

        var mapped = app
            .Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .Where(e => ApiDocs.IsDocumented(e.RoutePattern.RawText?.TrimStart('/')))
            .SelectMany(e =>
                (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(method =>
                    (Method: method.ToLowerInvariant(), Path: OpenApiPath(e.RoutePattern.RawText!))
                )
            )
            .Distinct()
            .ToList();
        Assert.That(mapped, Has.Count.GreaterThanOrEqualTo(15), "the merchant API and the storefront routes");

        var missing = mapped
            .Where(r => !paths.TryGetProperty(r.Path, out var item) || !item.TryGetProperty(r.Method, out _))
            .Select(r => $"{r.Method.ToUpperInvariant()} {r.Path}")
            .ToList();
        Assert.That(missing, Is.Empty, "routes missing from the document");
        var documented = paths
            .EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => (m.Name, p.Name)))
            .Count();
        Assert.That(documented, Is.EqualTo(mapped.Count), "nothing else is documented");

        var create = paths.GetProperty("/api/stories").GetProperty("post");
        var codes = create.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
        Assert.That(codes, Is.SupersetOf(new[] { "202", "400", "401", "403", "422" }));
        Assert.That(
            create
                .GetProperty("responses")
                .GetProperty("400")
                .GetProperty("content")
                .TryGetProperty("application/problem+json", out _),
            Is.True,
            "validation errors are problem details"
        );
        Assert.That(
            create
                .GetProperty("requestBody")
                .GetProperty("content")
                .GetProperty("application/json")
                .GetProperty("schema")
                .GetRawText(),
            Does.Contain("PersonalizationRequest"),
            "the request's schema"
        );
        var proxyCreate = paths.GetProperty("/proxy/stories").GetProperty("post");
        Assert.That(
            proxyCreate.GetProperty("responses").EnumerateObject().Select(r => r.Name),
            Is.SupersetOf(new[] { "202", "400", "401", "429" })
        );
        Assert.That(
            proxyCreate.GetProperty("security")[0].EnumerateObject().Single().Name,
            Is.EqualTo("proxySignature")
        );
        Assert.That(create.GetProperty("security")[0].EnumerateObject().Single().Name, Is.EqualTo("sessionToken"));
    }

    [Test]
    public async Task The_reference_page_at_api_docs_shows_the_document_in_a_browser_without_any_other_origin()
    {
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("openapi-page"),
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web" }
        );
        await using var kit = await BrowserKit.StartAsync(app);
        var page = await kit.Browser.NewPageAsync();
        var foreign = new List<string>();
        page.Request += (_, r) =>
        {
            if (
                !r.Url.StartsWith(kit.Base, StringComparison.Ordinal)
                && !r.Url.StartsWith("data:", StringComparison.Ordinal)
            )
                foreign.Add(r.Url);
        };

        await page.GotoAsync(kit.Base + ApiDocs.DocsPath);

        await Assertions.Expect(page.GetByText("StorybookShop API").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await BrowserKit.ScreenshotAsync(page, "api-docs", fullPage: false);
        await Assertions.Expect(page.GetByText("/proxy/catalog").First).ToBeVisibleAsync();
        Assert.That(foreign, Is.Empty, "no CDN, no web fonts");
    }

    /// <summary>"/api/stories/{id:guid}/pages/{number:int}/regenerate" →
    /// "/api/stories/{id}/pages/{number}/regenerate".</summary>
    private static string OpenApiPath(string pattern) =>
        Constraint().Replace(pattern, "{$1}") is var p && p.Length > 1 ? p.TrimEnd('/') : p;

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z]+)(?::[^}]+)?\}")]
    private static partial Regex Constraint();
}
