using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Admin;

/// <summary>
/// Server-rendered pages inside the Shopify admin iframe (Razor components in <see cref="AdminLayout"/>):
/// authentication from the <c>id_token</c> Shopify adds to document loads (a missing or stale one goes through the
/// session-token bounce) and the admin's frame-ancestors policy. Actions call the JSON API with a fresh session token
/// from App Bridge, or the page's own token when App Bridge is not there (/static/admin.js).
/// </summary>
public static class AdminUi
{
    /// <summary>The admin's document pages: authenticated once for the group (a failure answers with the bounce or the
    /// re-approval page), the result in the request's <see cref="AdminSession"/>.</summary>
    public static RouteGroupBuilder MapAdminPages(this WebApplication app)
    {
        var group = app.MapGroup("");
        group.ExcludeFromDescription().AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var (admin, refusal) = await AuthenticateAsync(http, http.RequestAborted);
            if (admin is null) return refusal;
            http.RequestServices.GetRequiredService<AdminSession>().Set(admin);
            return await next(context);
        });
        return group;
    }

    private static async Task<(AdminContext? Context, IResult? Redirect)> AuthenticateAsync(HttpContext http,
        CancellationToken ct)
    {
        var services = http.RequestServices;
        var shop = http.Request.Query["shop"].ToString();
        var idToken = http.Request.Query["id_token"].ToString();
        var db = services.GetRequiredService<AppDbContext>();
        Dictionary<string, string?> Carry(string token) => new()
        {
            ["shop"] = shop, ["host"] = http.Request.Query["host"].ToString(),
                ["embedded"] = http.Request.Query["embedded"].ToString(), ["id_token"] = token,
        };

        // Local development without Shopify: no token (and no other shop) means the seeded dev shop.
        var config = services.GetRequiredService<IConfiguration>();
        if (idToken.Length == 0 && (shop.Length == 0 || shop == DataExtensions.DevShopDomain) &&
            Hosting.DevMode.Enabled(config, services.GetRequiredService<IWebHostEnvironment>()))
        {
            shop = DataExtensions.DevShopDomain;
            var dev = await ShopAccess.EnsureDevShopAsync(db, services.GetRequiredService<TimeProvider>(), ct);
            return (new AdminContext(dev, shop, "", Carry("")), null);
        }

        if (!ShopifySignatures.IsShopDomain(shop))
            return (null, Results.Problem(statusCode: 400, title: "Open StorybookShop from your Shopify admin.",
                detail: "The shop parameter is missing or is not a myshopify.com domain."));
        var (session, _) = idToken.Length > 0 ? await services.GetRequiredService<SessionTokenValidator>()
            .ValidateAsync(idToken) : (null, null);
        if (session is null || !string.Equals(session.Shop, shop, StringComparison.OrdinalIgnoreCase))
        {
            // Shopify's bounce: reload this URL (without the stale token) once App Bridge has a new one.
            var reload = QueryHelpers.AddQueryString(http.Request.Path,
                http.Request.Query.Where(q => q.Key != "id_token").ToDictionary(q => q.Key,
                    q => (string?)q.Value.ToString()));
            return (null, Results.Redirect(QueryHelpers.AddQueryString(AdminPages.BouncePath, new Dictionary<string,
                string?> { ["shop"] = shop, ["shopify-reload"] = reload })));
        }
        var row = await ShopAccess.EnsureInstalledAsync(db, services.GetRequiredService<ShopifyTokens>(), session, ct);
        if (ShopifyScopes.NotGranted(row.Scopes) is { Count: > 0 } missing)
            return (null, Reapproval(missing));
        http.Response.Headers.ContentSecurityPolicy = services.GetRequiredService<IOptions<ShopifyOptions>>()
            .Value.FrameAncestors(session.Shop);
        return (new AdminContext(row, session.Shop, idToken, Carry(idToken)), null);
    }

    /// <summary>
    /// Shopify's managed re-approval: this release needs scopes the shop has not granted; App Bridge asks the merchant
    /// (<c>shopify.scopes.request</c>) and the page reloads with the new grant (app/scopes_update records it too).
    /// </summary>
    private static IResult Reapproval(IReadOnlyList<string> missing) =>
        new RazorComponentResult<ReapprovalPrompt>(new { Missing = missing });
}
