using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Admin;

/// <summary>
/// Document loads inside the Shopify admin. Shopify opens the app with <c>?shop=…&amp;host=…&amp;id_token=…</c>;
/// a valid id token is exchanged on first load, anything else goes to the session-token bounce page,
/// where App Bridge fetches a fresh token and reloads the page with it.
/// </summary>
public static class AdminPages
{
    public const string BouncePath = "/session-token-bounce";

    public static WebApplication MapAdmin(this WebApplication app)
    {
        app.MapGet("/", HomeAsync).ExcludeFromDescription();
        app.MapGet(BouncePath, Bounce).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> HomeAsync(HttpContext http, SessionTokenValidator validator, ShopifyTokens tokens, AppDbContext db,
        IOptions<ShopifyOptions> options, CancellationToken ct)
    {
        var shop = http.Request.Query["shop"].ToString();
        if (!ShopifySignatures.IsShopDomain(shop))
            return Results.Problem(statusCode: 400, title: "Open StorybookShop from your Shopify admin.", detail: "The shop parameter is missing or is not a myshopify.com domain.");
        var idToken = http.Request.Query["id_token"].ToString();
        var (session, _) = idToken.Length > 0 ? await validator.ValidateAsync(idToken) : (null, null);
        if (session is null || !string.Equals(session.Shop, shop, StringComparison.OrdinalIgnoreCase))
        {
            // Shopify's bounce: reload this URL (without the stale token) once App Bridge has a new one.
            var reload = QueryHelpers.AddQueryString("/", http.Request.Query.Where(q => q.Key != "id_token").ToDictionary(q => q.Key, q => (string?)q.Value.ToString()));
            return Results.Redirect(QueryHelpers.AddQueryString(BouncePath, new Dictionary<string, string?> { ["shop"] = shop, ["shopify-reload"] = reload }));
        }

        var row = await CurrentShop.EnsureInstalledAsync(db, tokens, session, ct);
        var counts = await db.Stories.Where(s => s.ShopId == row.Id).GroupBy(s => s.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        int Count(StoryStatus s) => counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0;

        http.Response.Headers.ContentSecurityPolicy = $"frame-ancestors https://{session.Shop} https://admin.shopify.com;";
        var e = (Func<string, string>)WebUtility.HtmlEncode;
        return Results.Content($$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8">
            <meta name="shopify-api-key" content="{{e(options.Value.ClientId)}}">
            <script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>
            <title>StorybookShop</title>
            <style>body{font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,sans-serif;margin:2rem;color:#303030}
            .card{background:#fff;border:1px solid #e3e3e3;border-radius:12px;padding:1.25rem;max-width:40rem}
            dt{font-weight:600}dd{margin:0 0 .5rem 0}</style></head>
            <body><div class="card"><h1>StorybookShop</h1>
            <p>Installed on <strong>{{e(session.Shop)}}</strong>.</p>
            <dl><dt>Books ready</dt><dd id="complete">{{Count(StoryStatus.Complete) + Count(StoryStatus.Published)}}</dd>
            <dt>Being made</dt><dd id="generating">{{Count(StoryStatus.Generating)}}</dd>
            <dt>Need attention</dt><dd id="error">{{Count(StoryStatus.Error)}}</dd></dl>
            </div></body></html>
            """, "text/html; charset=utf-8");
    }

    /// <summary>The page App Bridge uses to get a fresh session token and reload <c>shopify-reload</c> with it.</summary>
    private static IResult Bounce(IOptions<ShopifyOptions> options) =>
        Results.Content($"""
            <!doctype html><html><head><meta charset="utf-8">
            <meta name="shopify-api-key" content="{WebUtility.HtmlEncode(options.Value.ClientId)}">
            <script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>
            </head><body></body></html>
            """, "text/html; charset=utf-8");
}
