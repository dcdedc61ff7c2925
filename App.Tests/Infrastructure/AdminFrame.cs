using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>
/// The stand-in for the Shopify admin around the embedded app: <c>/store/{store}/apps/storybook?src=…</c> frames the
/// app's URL as the admin does (the app's <c>Shopify:AdminOrigin</c> must be <see cref="Base"/> for its CSP to allow
/// it); and Shopify's charge approval page, which only Shopify serves.
/// </summary>
public sealed class AdminFrame : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AdminFrame(WebApplication app) => _app = app;

    public string Base { get; private set; } = "";

    public static async Task<AdminFrame> StartAsync()
    {
        var app = LocalServer.Create();
        app.MapGet("/store/{store}/apps/storybook", (string store, string src) =>
            Results.Content(
                $"<!doctype html><title>Shopify admin · {System.Net.WebUtility.HtmlEncode(store)}</title>"
                    + "<h3 style=\"font:600 15px system-ui;margin:8px\">Shopify admin</h3><iframe id=\"app\" "
                    + $"src=\"{System.Net.WebUtility.HtmlEncode(src)}\" "
                    + "style=\"width:100%;height:820px;border:0\"></iframe>",
                "text/html"
            )
        );
        var frame = new AdminFrame(app);
        frame.Base = await LocalServer.StartAsync(app);
        return frame;
    }

    /// <summary>The admin page of <paramref name="shop"/> framing the app's <paramref name="appUrl"/>.</summary>
    public string Url(string shop, string appUrl) =>
        $"{Base}/store/{shop.Replace(".myshopify.com", "", StringComparison.Ordinal)}/apps/storybook?src="
        + Uri.EscapeDataString(appUrl);

    /// <summary>Stands in for Shopify's approval page (the fake Shopify answers the Billing API, not its
    /// pages).</summary>
    public static Task ApprovalPage(IRoute route) =>
        route.FulfillAsync(
            new RouteFulfillOptions
            {
                ContentType = "text/html",
                Body = "<!doctype html><title>Approve charge</title><h1>Approve subscription</h1>",
            }
        );

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
