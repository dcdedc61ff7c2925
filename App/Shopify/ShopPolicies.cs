using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using StorybookShop.Hosting;

namespace StorybookShop.Shopify;

/// <summary>
/// Who may call what, as authorization policies over the one session-token scheme: <see cref="Shop"/> — an
/// authenticated shop (the admin's API); <see cref="ShopAdmin"/> — the same, for the admin's own pages, whose shop
/// has also granted every scope this release asks for (otherwise the merchant re-approves first; see
/// <see cref="ScopesGranted"/>). Groups take them with <see cref="MapShopApi"/> and <see cref="MapShopPages"/>, with
/// the admin's frame-ancestors policy as their response security.
/// </summary>
public static class ShopPolicies
{
    public const string Shop = "Shop";
    public const string ShopAdmin = "ShopAdmin";

    public static void AddShopPolicies(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, ScopesGrantedHandler>();
        services
            .AddAuthorizationBuilder()
            .AddPolicy(Shop, p =>
                p.AddAuthenticationSchemes(SessionTokenAuthentication.SchemeName)
                    .RequireClaim(SessionTokenAuthentication.ShopClaim)
            )
            .AddPolicy(ShopAdmin, p =>
                p.AddAuthenticationSchemes(SessionTokenAuthentication.SchemeName)
                    .RequireClaim(SessionTokenAuthentication.ShopClaim)
                    .AddRequirements(new ScopesGranted())
            );
    }

    /// <summary>The merchant's JSON API under <paramref name="prefix"/>: the Shop policy, framed only by the shop's
    /// admin.</summary>
    public static RouteGroupBuilder MapShopApi(this IEndpointRouteBuilder app, string prefix, string tag) =>
        app.MapGroup(prefix)
            .WithTags(tag)
            .RequireAuthorization(Shop)
            .WithMetadata(EmbeddedFraming.Instance)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

    /// <summary>The admin's own pages (document loads inside the Shopify admin).</summary>
    public static RouteGroupBuilder MapShopPages(this IEndpointRouteBuilder app) =>
        app.MapGroup("")
            .ExcludeFromDescription()
            .RequireAuthorization(ShopAdmin)
            .WithMetadata(new EmbeddedDocument(), EmbeddedFraming.Instance);

    /// <summary>Requirement: the shop has granted every scope this release asks for.</summary>
    public sealed class ScopesGranted : IAuthorizationRequirement;

    private sealed class ScopesGrantedHandler(IHttpContextAccessor http) : AuthorizationHandler<ScopesGranted>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopesGranted requirement)
        {
            // Evaluated for anonymous callers too (they are challenged afterwards): only a known shop can succeed.
            var shop = http.HttpContext?.RequestServices.GetRequiredService<CurrentShop>();
            if (shop is not { IsKnown: true })
                return Task.CompletedTask;
            // Not succeeding (rather than failing) leaves the requirement among the failed ones, for the re-approval.
            if (ShopifyScopes.NotGranted(shop.Shop.Scopes).Count == 0)
                context.Succeed(requirement);
            return Task.CompletedTask;
        }
    }

    /// <summary>Pages and API of the embedded admin: framed by this shop's admin and Shopify's unified admin only
    /// (Shopify's requirement for embedded apps).</summary>
    public sealed class EmbeddedFraming(bool secretInUrl = false) : ResponseSecurity(null, secretInUrl: secretInUrl)
    {
        public static readonly EmbeddedFraming Instance = new();

        protected override string? Policy(HttpContext http)
        {
            var domain = http.User.FindFirst(SessionTokenAuthentication.ShopClaim)?.Value;
            return http
                .RequestServices.GetRequiredService<IOptions<ShopifyOptions>>()
                .Value.FrameAncestors(domain is not null && ShopifySignatures.IsShopDomain(domain) ? domain : null);
        }
    }
}
