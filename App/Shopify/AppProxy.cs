using Microsoft.Extensions.Options;

namespace StorybookShop.Shopify;

/// <summary>What Shopify's app proxy tells us about a storefront request, once its signature checks out.</summary>
public sealed record AppProxyRequest(string Shop, string? LoggedInCustomerId, string? PathPrefix);

/// <summary>
/// Storefront requests reach us through the app proxy, which signs the query: drop <c>signature</c>, sort,
/// join <c>k=v</c> with no separator (repeated keys joined by commas), hex HMAC-SHA256, timestamp within ±90 s.
/// Unsigned, tampered or stale requests are 401.
/// </summary>
public static class AppProxy
{
    public static RouteGroupBuilder MapAppProxy(this WebApplication app) =>
        (RouteGroupBuilder)app.MapGroup("/proxy").WithTags("Storefront").AddEndpointFilter(async (ctx, next) =>
        {
            var http = ctx.HttpContext;
            var options = http.RequestServices.GetRequiredService<IOptions<ShopifyOptions>>().Value;
            var clock = http.RequestServices.GetRequiredService<TimeProvider>();
            var query = http.Request.Query;
            var shop = query["shop"].ToString();
            if (!ShopifySignatures.VerifyAppProxy(query, options.Secrets()) || !ShopifySignatures.IsShopDomain(shop))
                return Results.Problem(statusCode: 401, title: "This storefront request is not signed by Shopify's app proxy.");
            if (!ShopifySignatures.IsFresh(query["timestamp"], clock, options.SignatureWindow))
                return Results.Problem(statusCode: 401, title: "This storefront request's signature has expired.");
            var customer = query["logged_in_customer_id"].ToString();
            http.Items[typeof(AppProxyRequest)] = new AppProxyRequest(shop.ToLowerInvariant(), customer.Length > 0 ? customer : null, query["path_prefix"].ToString());
            return await next(ctx);
        });

    public static AppProxyRequest Current(HttpContext http) =>
        http.Items[typeof(AppProxyRequest)] as AppProxyRequest ?? throw new InvalidOperationException("Not an app proxy request.");
}
