using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using StorybookShop.Data;

namespace StorybookShop.Shopify;

/// <summary>The "ShopifySession" scheme: a valid session token in <c>Authorization: Bearer</c> makes the caller that
/// shop.</summary>
public sealed class SessionTokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger, UrlEncoder encoder,
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
            if (Hosting.DevMode.Enabled(configuration, environment) && header.Length == 0)
                return Success(new SessionToken(DataExtensions.DevShopDomain, null, null, ""));
            return AuthenticateResult.NoResult();
        }
        var (token, error) = await validator.ValidateAsync(header["Bearer ".Length..].Trim());
        return token is null ? AuthenticateResult.Fail(error ?? "invalid session token") : Success(token);
    }

    private AuthenticateResult Success(SessionToken token)
    {
        var identity = new ClaimsIdentity([new Claim(ShopClaim, token.Shop), new Claim(ClaimTypes.NameIdentifier,
            token.UserId ?? "")], SchemeName);
        Context.Items[typeof(SessionToken)] = token;
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>Shopify's contract for fetches: 401 plus X-Shopify-Retry-Invalid-Session-Request so App Bridge retries
    /// with a fresh token.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers["X-Shopify-Retry-Invalid-Session-Request"] = "1";
        await Results.Problem(statusCode: 401,
            title: "A valid Shopify session token is required.").ExecuteAsync(Context);
    }
}
