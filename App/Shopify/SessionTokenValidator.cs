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
        var o = options.Value;
        if (string.IsNullOrEmpty(o.ClientSecret) || string.IsNullOrEmpty(o.ClientId))
            return (null, "Shopify:ClientId and ClientSecret are not configured.");
        var result = await _handler.ValidateTokenAsync(
            jwt,
            new TokenValidationParameters
            {
                ValidAudience = o.ClientId,
                ValidateIssuer = false, // checked below against dest: the issuer is per shop
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
        if (!result.IsValid)
            return (null, result.Exception?.GetType().Name ?? "invalid token");

        var claims = result.Claims;
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
}
