using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using StorybookShop.Data;

namespace StorybookShop.Shopify;

/// <summary>
/// App Bridge session tokens: JWT, HS256 with the client secret; <c>aud</c> is our client id; <c>exp</c>/<c>nbf</c>
/// checked with a small leeway; the shop is the host of <c>dest</c>, and <c>iss</c> must be that shop's admin.
/// </summary>
public sealed class SessionTokenValidator(IOptions<ShopifyOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<(SessionToken? Token, string? Error)> ValidateAsync(string jwt)
    {
        var (claims, error) = await SignedClaimsAsync(jwt);
        if (claims is null)
            return (null, error);
        var dest = claims.TryGetValue("dest", out var d) ? d as string : null;
        var iss = claims.TryGetValue("iss", out var i) ? i as string : null;
        if (!Uri.TryCreate(dest, UriKind.Absolute, out var destUri) || !ShopifySignatures.IsShopDomain(destUri.Host))
            return (null, "dest is not a shop");
        if (
            !Uri.TryCreate(iss, UriKind.Absolute, out var issUri)
            || !string.Equals(issUri.Host, destUri.Host, StringComparison.OrdinalIgnoreCase)
        )
            return (null, "iss and dest disagree");
        return (
            new SessionToken(
                destUri.Host.ToLowerInvariant(),
                claims.TryGetValue("sub", out var sub) ? sub?.ToString() : null,
                claims.TryGetValue("sid", out var sid) ? sid?.ToString() : null,
                jwt
            ),
            null
        );
    }

    /// <summary>
    /// A UI extension's session token (<c>shopify.sessionToken.get()</c> in a customer-account or thank-you
    /// extension): the same signature, audience and lifetime; the shop is <c>dest</c> (a domain, with or without a
    /// scheme); <c>sub</c>, when present, is the signed-in customer's gid.
    /// </summary>
    public async Task<(SessionToken? Token, string? Error)> ValidateExtensionAsync(string jwt)
    {
        var (claims, error) = await SignedClaimsAsync(jwt);
        if (claims is null)
            return (null, error);
        var dest = claims.TryGetValue("dest", out var d) ? d as string ?? "" : "";
        var host = Uri.TryCreate(dest, UriKind.Absolute, out var uri) ? uri.Host : dest;
        if (!ShopifySignatures.IsShopDomain(host))
            return (null, "dest is not a shop");
        var sub = claims.TryGetValue("sub", out var s) ? s?.ToString() : null;
        if (sub is not null && !sub.StartsWith("gid://shopify/Customer/", StringComparison.Ordinal))
            return (null, "sub is not a customer");
        return (new SessionToken(host.ToLowerInvariant(), sub, null, jwt), null);
    }

    private async Task<(IDictionary<string, object>? Claims, string? Error)> SignedClaimsAsync(string jwt)
    {
        var o = options.Value;
        if (string.IsNullOrEmpty(o.ClientSecret) || string.IsNullOrEmpty(o.ClientId))
            return (null, "Shopify:ClientId and ClientSecret are not configured.");
        var result = await _handler.ValidateTokenAsync(
            jwt,
            new TokenValidationParameters
            {
                ValidAudience = o.ClientId,
                ValidateIssuer = false, // the issuer is per shop: each caller checks it against dest
                IssuerSigningKeys = o.Secrets()
                    .Select(s => new SymmetricSecurityKey(Encoding.UTF8.GetBytes(s)))
                    .ToList(),
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                ClockSkew = o.SessionTokenLeeway,
                RequireExpirationTime = true,
                LifetimeValidator = (notBefore, expires, _, p) =>
                {
                    var now = clock.GetUtcNow().UtcDateTime;
                    return (notBefore is null || notBefore.Value - p.ClockSkew <= now)
                        && expires is not null
                        && now <= expires.Value + p.ClockSkew;
                },
            }
        );
        return result.IsValid ? (result.Claims, null) : (null, result.Exception?.GetType().Name ?? "invalid token");
    }
}
