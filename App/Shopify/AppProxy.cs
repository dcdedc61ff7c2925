using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace StorybookShop.Shopify;

/// <summary>
/// Storefront requests reach us through the app proxy, which signs the query: drop <c>signature</c>, sort,
/// join <c>k=v</c> with no separator (repeated keys joined by commas), hex HMAC-SHA256, timestamp within ±90 s.
/// Because the pairs have no separator, a signed query can be re-split into other pairs with the same signature;
/// so besides the signature every key Shopify sends (or the route's own) must have its strict shape, no key or value
/// may hold <c>=</c> or repeat, and any other key (a storefront link's <c>utm_source</c>, <c>fbclid</c>, …) must
/// have a safe name that does not end in one of ours; its value is then ignored. Checked before routing reads a
/// body: unsigned, tampered, stale or re-split requests are 401.
/// </summary>
public static partial class AppProxy
{
    /// <summary>The keys Shopify's proxy adds, and three of our own: <c>standalone=1</c>, and the theme block's
    /// <c>locale</c> (the storefront's language) and <c>variant</c> (the book's variant, for the preview's Add to
    /// cart) — signed like the rest, since the proxy signs the whole query.</summary>
    private static readonly Dictionary<string, Regex> Shapes = new(StringComparer.Ordinal)
    {
        ["shop"] = ShopShape(),
        ["logged_in_customer_id"] = CustomerShape(),
        ["path_prefix"] = PathPrefixShape(),
        ["timestamp"] = DigitsShape(),
        ["signature"] = SignatureShape(),
        ["standalone"] = StandaloneShape(),
        ["locale"] = LocaleShape(),
        ["variant"] = VariantShape(),
    };

    private const string NotSigned = "This storefront request is not signed by Shopify's app proxy.";
    private const int MaxExtraKeys = 20;

    public static RouteGroupBuilder MapAppProxy(this WebApplication app) =>
        app.MapGroup("/proxy")
            .WithTags("Storefront")
            .WithMetadata(Hosting.ResponseSecurity.Storefront)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

    /// <summary>Authenticates every /proxy request before anything reads its body.</summary>
    public static WebApplication UseAppProxy(this WebApplication app)
    {
        app.UseWhen(
            http => http.Request.Path.StartsWithSegments("/proxy"),
            branch =>
                branch.Use(
                    async (http, next) =>
                    {
                        if (Verify(http) is { } refusal)
                        {
                            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                            await http.Response.WriteAsJsonAsync(
                                new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = 401, Title = refusal },
                                (System.Text.Json.JsonSerializerOptions?)null,
                                "application/problem+json"
                            );
                            return;
                        }
                        await next(http);
                    }
                )
        );
        return app;
    }

    private static string? Verify(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<ShopifyOptions>>().Value;
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        var query = http.Request.Query;
        // The standalone page's own token (never Shopify's signed query echoed back): it alone, nothing else in the
        // query.
        if (query.ContainsKey(IAppProxySessions.QueryKey))
        {
            if (
                query.Count != 1
                || http
                    .RequestServices.GetRequiredService<IAppProxySessions>()
                    .Validate(query[IAppProxySessions.QueryKey].ToString())
                    is not { } session
            )
                return "This storefront session has expired or is not valid.";
            http.Items[typeof(AppProxyRequest)] = session with
            {
                Credential = query[IAppProxySessions.QueryKey].ToString(),
            };
            http.Items[IAppProxySessions.QueryKey] = query[IAppProxySessions.QueryKey].ToString();
            return null;
        }
        var extra = 0;
        foreach (var (key, values) in query)
        {
            if (values.Count != 1)
                return NotSigned;
            if (Shapes.TryGetValue(key, out var shape))
            {
                if (!shape.IsMatch(values.ToString()))
                    return NotSigned;
            }
            // Anything else a storefront link carries (utm_source, fbclid, gclid, …) is signed by Shopify like the
            // rest and then ignored: a safe name, no '=' in it or its value, and no name ending in one of ours, so no
            // re-split of the signed string can turn it into one of the keys we believe.
            else if (
                ++extra > MaxExtraKeys
                || !ExtraKeyShape().IsMatch(key)
                || !ExtraValueShape().IsMatch(values.ToString())
                || Shapes.Keys.Any(k => key.EndsWith(k, StringComparison.Ordinal))
            )
                return NotSigned;
        }
        var shop = query["shop"].ToString();
        if (!ShopifySignatures.VerifyAppProxy(query, options.Secrets()) || !ShopifySignatures.IsShopDomain(shop))
            return NotSigned;
        if (!ShopifySignatures.IsFresh(query["timestamp"], clock, options.SignatureWindow))
            return "This storefront request's signature has expired.";
        var customer = query["logged_in_customer_id"].ToString();
        var locale = query["locale"].ToString();
        http.Items[typeof(AppProxyRequest)] = new AppProxyRequest(
            shop.ToLowerInvariant(),
            customer.Length > 0 ? customer : null,
            query["path_prefix"].ToString(),
            locale.Length > 0 ? locale : null,
            query["signature"].ToString()
        );
        return null;
    }

    public static AppProxyRequest Current(HttpContext http) =>
        http.Items[typeof(AppProxyRequest)] as AppProxyRequest
        ?? throw new InvalidOperationException("Not an app proxy request.");

    [GeneratedRegex(@"^[a-zA-Z0-9][a-zA-Z0-9\-_]*\.myshopify\.com\z")]
    private static partial Regex ShopShape();

    /// <summary>A marketing or tracking parameter's name: letters, digits and <c>-_.~%</c>, at most 64.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_.~%-]{1,64}\z")]
    private static partial Regex ExtraKeyShape();

    /// <summary>Its value: anything printable but <c>=</c> (which would let the signed string be re-split), at most
    /// 512.</summary>
    [GeneratedRegex(@"^[^=\p{C}]{0,512}\z")]
    private static partial Regex ExtraValueShape();

    [GeneratedRegex(@"^[0-9]{0,20}\z")]
    private static partial Regex CustomerShape();

    [GeneratedRegex(@"^/(apps|a|community|tools)/[A-Za-z0-9_-]+\z")]
    private static partial Regex PathPrefixShape();

    [GeneratedRegex(@"^[0-9]{1,12}\z")]
    private static partial Regex DigitsShape();

    [GeneratedRegex(@"^[0-9a-f]{64}\z")]
    private static partial Regex SignatureShape();

    [GeneratedRegex(@"^1\z")]
    private static partial Regex StandaloneShape();

    /// <summary>A BCP 47 language tag as Shopify writes <c>request.locale.iso_code</c>: <c>es</c>, <c>pt-BR</c>,
    /// <c>zh-Hant-TW</c>.</summary>
    [GeneratedRegex(@"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}\z")]
    private static partial Regex LocaleShape();

    /// <summary>The product variant the theme block's shopper chose (the preview page adds it to the cart).</summary>
    [GeneratedRegex(@"^[1-9][0-9]{0,19}\z")]
    private static partial Regex VariantShape();
}
