using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using StorybookShop.Shopify;

namespace StorybookShop.Storefront;

/// <summary>
/// The standalone personalize page (opened with Shopify's signed query, without a theme) must not echo that signed
/// query into its links: it hands out a short-lived token of our own instead, bound to the shop, the customer and
/// the proxy prefix and the storefront's language, encrypted and signed with the app's Data Protection keys.
/// </summary>
public sealed class StorefrontSessions(IDataProtectionProvider protection) : IAppProxySessions
{
    public const string QueryKey = IAppProxySessions.QueryKey;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    private readonly ITimeLimitedDataProtector _protector = protection
        .CreateProtector("StorybookShop.Storefront.Session.v1")
        .ToTimeLimitedDataProtector();

    public string Issue(AppProxyRequest proxy) =>
        _protector.Protect(
            string.Join('\n', proxy.Shop, proxy.LoggedInCustomerId ?? "", proxy.PathPrefix ?? "", proxy.Locale ?? ""),
            Lifetime
        );

    /// <summary>What the token was issued for, or null when it is forged, altered or expired.</summary>
    public AppProxyRequest? Validate(string token)
    {
        try
        {
            var parts = _protector.Unprotect(token, out _).Split('\n');
            // Three parts: a token issued before the language was part of it (they live 30 minutes).
            return parts.Length is 3 or 4
                ? new AppProxyRequest(
                    parts[0],
                    parts[1].Length > 0 ? parts[1] : null,
                    parts[2],
                    parts.Length == 4 && parts[3].Length > 0 ? parts[3] : null
                )
                : null;
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
