using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;

namespace StorybookShop.Shopify;

/// <summary>
/// The one way a merchant is known: the "ShopifySession" scheme. An App Bridge session token arrives in
/// <c>Authorization: Bearer</c> (the admin's fetches) or as the <c>id_token</c> Shopify adds to a document load of an
/// embedded page (with <c>shop</c>, which must be the token's). On success the shop's row — installed by token
/// exchange on first contact — fills the request's <see cref="CurrentShop"/>. In Development, a request with no
/// credential at all is the seeded dev shop (<see cref="Hosting.DevMode"/>). A refusal follows Shopify's contract: a
/// fetch gets 401 with <c>X-Shopify-Retry-Invalid-Session-Request</c>, a document the session-token bounce page.
/// </summary>
public sealed class SessionTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SessionTokenValidator validator,
    IConfiguration configuration,
    IWebHostEnvironment environment,
    CurrentShop current,
    AppDbContext db,
    ShopifyTokens tokens,
    TimeProvider clock
) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ShopifySession";
    public const string ShopClaim = "shop";
    public const string BouncePath = "/session-token-bounce";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        var document = Context.GetEndpoint()?.Metadata.GetMetadata<EmbeddedDocument>() is not null;
        var idToken = document ? Request.Query["id_token"].ToString() : "";
        if (header.StartsWith("Bearer ", StringComparison.Ordinal))
            return await SignInAsync(header["Bearer ".Length..].Trim());
        if (idToken.Length > 0)
            return await SignInAsync(idToken, Request.Query["shop"].ToString());
        var shop = Request.Query["shop"].ToString();
        if (
            header.Length == 0
            && Hosting.DevMode.Enabled(configuration, environment)
            && (!document || shop.Length == 0 || shop == DevShop.Domain)
        )
            return Success(await DevShop.EnsureAsync(db, clock, Context.RequestAborted), null);
        return AuthenticateResult.NoResult();
    }

    private async Task<AuthenticateResult> SignInAsync(string jwt, string? shop = null)
    {
        var (token, error) = await validator.ValidateAsync(jwt);
        if (token is null)
            return AuthenticateResult.Fail(error ?? "invalid session token");
        if (shop is not null && !string.Equals(token.Shop, shop, StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("the id token is another shop's");
        return Success(await ShopAccess.EnsureInstalledAsync(db, tokens, token, Context.RequestAborted), token);
    }

    private AuthenticateResult Success(Shop shop, SessionToken? token)
    {
        current.Set(shop, token?.Raw ?? "");
        var identity = new ClaimsIdentity(
            [new Claim(ShopClaim, shop.Domain), new Claim(ClaimTypes.NameIdentifier, token?.UserId ?? "")],
            SchemeName
        );
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.GetEndpoint()?.Metadata.GetMetadata<EmbeddedDocument>() is null)
        {
            // Shopify's contract for fetches: App Bridge retries with a fresh token.
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Response.Headers["X-Shopify-Retry-Invalid-Session-Request"] = "1";
            await Results
                .Problem(statusCode: 401, title: "A valid Shopify session token is required.")
                .ExecuteAsync(Context);
            return;
        }
        var shop = Request.Query["shop"].ToString();
        if (!ShopifySignatures.IsShopDomain(shop))
        {
            await Results
                .Problem(
                    statusCode: 400,
                    title: "Open StorybookShop from your Shopify admin.",
                    detail: "The shop parameter is missing or is not a myshopify.com domain."
                )
                .ExecuteAsync(Context);
            return;
        }
        // Shopify's bounce: reload this URL (without the stale token) once App Bridge has a new one.
        var reload = QueryHelpers.AddQueryString(
            Request.Path,
            Request.Query.Where(q => q.Key != "id_token").ToDictionary(q => q.Key, q => (string?)q.Value.ToString())
        );
        Response.Redirect(
            QueryHelpers.AddQueryString(
                BouncePath,
                new Dictionary<string, string?> { ["shop"] = shop, ["shopify-reload"] = reload }
            )
        );
    }
}
