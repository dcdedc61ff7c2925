using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Hosting;

/// <summary>
/// README's route tables are the app's routes: every mapped route is in them and nothing else is. The first cell of
/// a table row names routes (<c>`GET /api/stories/{id}`</c>, several separated by commas; a page table's
/// <c>`/path`</c> is a GET).
/// </summary>
public sealed partial class ReadmeRoutesTests
{
    [Test]
    public async Task The_readme_route_tables_list_exactly_the_mapped_routes()
    {
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("readme-routes"),
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web" }
        );
        _ = app.Server;
        var mapped = app
            .Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e =>
                // A route for every method (health checks, the dashboards) is documented as a GET.
                (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m =>
                    $"{m} {Normal(e.RoutePattern.RawText!)}"
                )
            )
            .Except(NotForReaders)
            .ToHashSet();
        var documented = Documented(await File.ReadAllTextAsync(ShopifyKit.Repo("README.md")));

        Assert.Multiple(() =>
        {
            Assert.That(string.Join("\n", mapped.Except(documented).Order()), Is.Empty, "mapped but not in README");
            Assert.That(string.Join("\n", documented.Except(mapped).Order()), Is.Empty, "in README but not mapped");
        });
    }

    /// <summary>Mapped, but not a route anyone calls by name: the reference page's own assets, and the dashboard's
    /// refusal of a request without a ticket.</summary>
    private static readonly string[] NotForReaders =
    [
        "GET /api/docs/favicon.svg",
        "GET /api/docs/scalar.aspnetcore.js",
        "GET /api/docs/scalar.js",
        "GET /jobs-dashboard",
    ];

    /// <summary>The routes README's tables name, normalised.</summary>
    public static HashSet<string> Documented(string readme) =>
        readme
            .Split('\n')
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|')[1])
            .SelectMany(cell => Code().Matches(cell).Select(m => m.Groups[1].Value))
            .Select(r => r.StartsWith('/') ? "GET " + r : r)
            .Select(r => r.Split(' ', 2) is [var method, var path] ? $"{method} {Normal(path)}" : r)
            .ToHashSet();

    /// <summary>Route parameters as <c>{}</c> (names and constraints differ between code and prose), a trailing
    /// optional one dropped; no query, no trailing slash.</summary>
    private static string Normal(string route)
    {
        var path = OptionalAtEnd().Replace(route, "");
        path = Parameter().Replace(path, "{}");
        return "/" + path.Split('?')[0].Trim('/');
    }

    [GeneratedRegex(@"/\{[^}]*\?\}$")]
    private static partial Regex OptionalAtEnd();

    [GeneratedRegex(@"`((?:GET|POST|PUT|DELETE|PATCH|ANY) /[^`]*|/[^`]*)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();
}
