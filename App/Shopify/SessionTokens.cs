using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using StorybookShop.Data;

namespace StorybookShop.Shopify;

public sealed record SessionToken(string Shop, string? UserId, string? SessionId, string Raw);

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
        if (string.IsNullOrEmpty(o.ClientSecret) || string.IsNullOrEmpty(o.ClientId)) return (null, "Shopify:ClientId and ClientSecret are not configured.");
        var result = await _handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidAudience = o.ClientId,
            ValidateIssuer = false, // checked below against dest: the issuer is per shop
            IssuerSigningKeys = o.Secrets().Select(s => new SymmetricSecurityKey(Encoding.UTF8.GetBytes(s))).ToList(),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = o.SessionTokenLeeway,
            RequireExpirationTime = true,
            LifetimeValidator = (notBefore, expires, _, p) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                return (notBefore is null || notBefore.Value - p.ClockSkew <= now) && expires is not null && now <= expires.Value + p.ClockSkew;
            },
        });
        if (!result.IsValid) return (null, result.Exception?.GetType().Name ?? "invalid token");

        var claims = result.Claims;
        var dest = claims.TryGetValue("dest", out var d) ? d as string : null;
        var iss = claims.TryGetValue("iss", out var i) ? i as string : null;
        if (!Uri.TryCreate(dest, UriKind.Absolute, out var destUri) || !ShopifySignatures.IsShopDomain(destUri.Host)) return (null, "dest is not a shop");
        if (!Uri.TryCreate(iss, UriKind.Absolute, out var issUri) || !string.Equals(issUri.Host, destUri.Host, StringComparison.OrdinalIgnoreCase))
            return (null, "iss and dest disagree");
        return (new SessionToken(destUri.Host.ToLowerInvariant(), claims.TryGetValue("sub", out var sub) ? sub?.ToString() : null,
            claims.TryGetValue("sid", out var sid) ? sid?.ToString() : null, jwt), null);
    }
}

/// <summary>The "ShopifySession" scheme: a valid session token in <c>Authorization: Bearer</c> makes the caller that shop.</summary>
public sealed class SessionTokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    SessionTokenValidator validator, IConfiguration configuration, IWebHostEnvironment environment)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ShopifySession";
    public const string ShopClaim = "shop";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            // Local development without Shopify: no token means the seeded dev shop (never in Production).
            if (configuration.GetValue("Api:DevEndpoints", environment.IsDevelopment()) && header.Length == 0)
                return Success(new SessionToken(DataExtensions.DevShopDomain, null, null, ""));
            return AuthenticateResult.NoResult();
        }
        var (token, error) = await validator.ValidateAsync(header["Bearer ".Length..].Trim());
        return token is null ? AuthenticateResult.Fail(error ?? "invalid session token") : Success(token);
    }

    private AuthenticateResult Success(SessionToken token)
    {
        var identity = new ClaimsIdentity([new Claim(ShopClaim, token.Shop), new Claim(ClaimTypes.NameIdentifier, token.UserId ?? "")], SchemeName);
        Context.Items[typeof(SessionToken)] = token;
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>Shopify's contract for fetches: 401 plus X-Shopify-Retry-Invalid-Session-Request so App Bridge retries with a fresh token.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers["X-Shopify-Retry-Invalid-Session-Request"] = "1";
        await Results.Problem(statusCode: 401, title: "A valid Shopify session token is required.").ExecuteAsync(Context);
    }
}
