using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace StorybookShop.Shopify;

/// <summary>
/// The authorization code grant, for installs that do not start inside the admin: <c>/auth/install</c> sends
/// the merchant to Shopify with a random state bound to a signed cookie; <c>/auth/callback</c> checks the
/// HMAC, the timestamp, the state and the shop, exchanges the code, and returns the merchant to the admin.
/// </summary>
public static class OAuth
{
    private const string StateCookie = "sbs_oauth_state";

    public static WebApplication MapOAuth(this WebApplication app)
    {
        var group = app.MapGroup("/auth").ExcludeFromDescription();
        group.MapGet("/install", Install);
        group.MapGet("/callback", CallbackAsync);
        return app;
    }

    private static IResult Install(
        string? shop,
        HttpContext http,
        IOptions<ShopifyOptions> options,
        IDataProtectionProvider protection,
        TimeProvider clock
    )
    {
        if (!ShopifySignatures.IsShopDomain(shop))
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { ["shop"] = ["Give the shop's myshopify.com domain."] }
            );
        var o = options.Value;
        var state = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        http.Response.Cookies.Append(
            StateCookie,
            Protector(protection).Protect(state),
            new CookieOptions
            {
                HttpOnly = true,
                Secure = true,
                SameSite = SameSiteMode.Lax,
                Path = "/auth",
                Expires = clock.GetUtcNow().AddMinutes(10),
            }
        );
        var authorize =
            o.ShopUrlTemplate.Replace("{shop}", shop!, StringComparison.Ordinal)
            + "/admin/oauth/authorize"
            + QueryString.Create(
                new Dictionary<string, string?>
                {
                    ["client_id"] = o.ClientId,
                    ["scope"] = o.Scopes,
                    ["redirect_uri"] = $"{AppUrl(http, o)}/auth/callback",
                    ["state"] = state,
                }
            );
        return Results.Redirect(authorize);
    }

    private static async Task<IResult> CallbackAsync(
        HttpContext http,
        IOptions<ShopifyOptions> options,
        IDataProtectionProvider protection,
        ShopifyTokens tokens,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var o = options.Value;
        var query = http.Request.Query;
        var shop = query["shop"].ToString();
        if (!ShopifySignatures.IsShopDomain(shop))
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { ["shop"] = ["Not a myshopify.com domain."] }
            );
        if (!ShopifySignatures.VerifyQueryHmac(query, o.Secrets()))
            return Results.Problem(statusCode: 401, title: "The callback's HMAC does not match.");
        if (!ShopifySignatures.IsFresh(query["timestamp"], clock, o.SignatureWindow))
            return Results.Problem(statusCode: 401, title: "The callback is too old (or from the future).");
        if (!StateMatches(http, protection, query["state"].ToString()))
            return Results.Problem(
                statusCode: 401,
                title: "The OAuth state does not match this browser's install request."
            );
        var code = query["code"].ToString();
        if (code.Length == 0)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["code"] = ["Required."] });

        await tokens.ExchangeCodeAsync(shop, code, ct);
        http.Response.Cookies.Delete(StateCookie, new CookieOptions { Path = "/auth" });
        // Into the embedded app inside this shop's admin.
        return Results.Redirect(
            o.ShopUrlTemplate.Replace("{shop}", shop, StringComparison.Ordinal)
                + $"/admin/apps/{Uri.EscapeDataString(o.ClientId)}"
        );
    }

    private static bool StateMatches(HttpContext http, IDataProtectionProvider protection, string state)
    {
        if (state.Length == 0 || !http.Request.Cookies.TryGetValue(StateCookie, out var cookie))
            return false;
        string expected;
        try
        {
            expected = Protector(protection).Unprotect(cookie);
        }
        catch (CryptographicException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(state));
    }

    private static IDataProtector Protector(IDataProtectionProvider p) =>
        p.CreateProtector("StorybookShop.OAuth.State.v1");

    private static string AppUrl(HttpContext http, ShopifyOptions o) =>
        string.IsNullOrEmpty(o.AppUrl) ? $"{http.Request.Scheme}://{http.Request.Host}" : o.AppUrl.TrimEnd('/');
}
