using System.Security.Cryptography;
using System.Text;
using StorybookShop.Shopify;

namespace StorybookShop.Storefront;

/// <summary>
/// Who a storefront request comes from, for its limits. <see cref="Key"/> is what Shopify vouches for: the logged-in
/// customer it signed, else the shopper's address, which Shopify's app proxy forwards in <c>X-Forwarded-For</c>
/// (shopify.dev, "Authenticate app proxies": the client's request is forwarded to the proxy URL with the client IP in
/// <c>X-Forwarded-For</c>; the app's own proxies' entries are taken off by the forwarded-headers middleware, so the
/// last entry is the one Shopify added). Every one of <see cref="Limits"/> must have room: the key, the signed query
/// itself (a leaked signed URL replayed straight to the app with invented addresses gets one bounded allowance), and
/// the id the theme block keeps in the browser (<c>X-Storybook-Shopper</c>) — which the browser chooses, so it can
/// only narrow an allowance, never widen it.
/// </summary>
public sealed record Shopper(string Key, IReadOnlyList<string> Limits)
{
    /// <summary>Prefix of the limit keyed on the signed query: its allowance is <see cref="SignedFactor"/> shoppers'
    /// (guests submitting in the same second share a signed query; only a leaked URL is replayed).</summary>
    public const string SignedPrefix = "signed:";
    public const int SignedFactor = 10;

    public const string BrowserHeader = "X-Storybook-Shopper";

    public static Shopper Of(HttpContext http, AppProxyRequest proxy)
    {
        var key = proxy.LoggedInCustomerId is { } customer
            ? "customer:" + customer
            : "address:" + Hosting.ClientAddress.Of(http);
        var limits = new List<string> { key };
        // A signed query (or the standalone page's token) is good for 90 s (or 30 min): a bounded allowance however
        // it is replayed. Hashed: the key is stored.
        if (proxy.Credential is { Length: > 0 } credential)
            limits.Add(
                SignedPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(credential)))[..32]
            );
        if (Guid.TryParse(http.Request.Headers[BrowserHeader], out var browser))
            limits.Add("browser:" + browser.ToString("N"));
        return new Shopper(key, limits);
    }
}
