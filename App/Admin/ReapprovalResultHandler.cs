using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using StorybookShop.Shopify;

namespace StorybookShop.Admin;

/// <summary>
/// Shopify's managed re-approval, where the <see cref="ShopPolicies.ShopAdmin"/> policy refuses a page because this
/// release needs scopes the shop has not granted: App Bridge asks the merchant (<c>shopify.scopes.request</c>) and
/// the page reloads with the new grant (app/scopes_update records it too). Every other outcome is ASP.NET Core's.
/// </summary>
public sealed class ReapprovalResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(
        RequestDelegate next,
        HttpContext context,
        AuthorizationPolicy policy,
        PolicyAuthorizationResult authorizeResult
    )
    {
        if (
            authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ShopPolicies.ScopesGranted>().Any()
                == true
        )
        {
            var shop = context.RequestServices.GetRequiredService<CurrentShop>();
            await new RazorComponentResult<ReapprovalPrompt>(
                new { Missing = ShopifyScopes.NotGranted(shop.Shop.Scopes) }
            ).ExecuteAsync(context);
            return;
        }
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
