using System.Text.RegularExpressions;

namespace StorybookShop.Shopify;

/// <summary>
/// Every Admin API operation the app sends, with the access scopes Shopify's reference requires for it. The client
/// checks it before sending (a clear failure instead of Shopify's ACCESS_DENIED), and <c>shopify.app.toml</c>'s
/// <c>[access_scopes]</c> asks for exactly <see cref="Requested"/> (a test keeps the two equal). A <c>write_</c>
/// scope includes its <c>read_</c> scope.
/// </summary>
public static partial class ShopifyScopes
{
    public static readonly IReadOnlyDictionary<string, string[]> Required = new Dictionary<string, string[]>(
        StringComparer.Ordinal
    )
    {
        // Settings: the shop's products, to choose the book products (read_products; write_products includes it).
        ["products"] = ["read_products"],
        // The setup guide: the chosen book products read back (nodes of Product, read_products).
        ["bookProducts"] = ["read_products"],
        // Publishing (ProductPublisher).
        // stagedUploadsCreate: the reference asks for write_files (or write_products for product media); we ask for
        // write_files.
        ["stagedUploadsCreate"] = ["write_files"],
        // productSet / productUpdate: write_products.
        ["productSet"] = ["write_products"],
        ["productUpdate"] = ["write_products"],
        // publications query and publishablePublish/Unpublish: read_/write_publications; the 2023-04 changelog moved
        // these
        // mutations from write_product_listings to write_publications.
        ["publications"] = ["read_publications"],
        ["publishablePublish"] = ["write_publications"],
        ["publishableUnpublish"] = ["write_publications"],
        // Delivery (DeliverJob).
        // order { fulfillmentOrders }: read_orders for the order; an app sees only the fulfillment orders its scopes
        // cover,
        // and a digital book sits at the merchant's own location: read_merchant_managed_fulfillment_orders.
        ["fulfillmentOrders"] = ["read_orders", "read_merchant_managed_fulfillment_orders"],
        // fulfillmentOrder { lineItems }: the next page of a fulfillment order's lines.
        ["fulfillmentOrderLineItems"] = ["read_merchant_managed_fulfillment_orders"],
        // fulfillmentCreate: write_assigned_, write_merchant_managed_ or write_third_party_fulfillment_orders (the
        // reference);
        // write_fulfillments alone is not enough. Merchant-managed is ours.
        ["fulfillmentCreate"] = ["write_merchant_managed_fulfillment_orders"],
        // A line fulfilled already (a shop that fulfils automatically): its fulfillment (read_orders), and the link
        // put on it with fulfillmentTrackingInfoUpdate (the reference: write_merchant_managed_fulfillment_orders).
        ["orderFulfillments"] = ["read_orders"],
        ["fulfillmentTrackingInfoUpdate"] = ["write_merchant_managed_fulfillment_orders"],
        // Billing (ShopifyBilling): the Billing API and the shop's plan need no access scope.
        ["appSubscriptionCreate"] = [],
        ["appUsageRecordCreate"] = [],
        ["appSubscriptionLineItemUpdate"] = [],
        ["appSubscriptions"] = [],
        ["appSubscription"] = [],
        ["shopPlan"] = [],
        // The shop's time zone (ShopLocale): no scope.
        ["shopLocale"] = [],
    };

    /// <summary>The scopes to ask for: every required one, without a read_ scope whose write_ scope is asked
    /// for.</summary>
    public static string Requested { get; } = string.Join(',', Minimal(Required.Values.SelectMany(s => s)));

    /// <summary>The operation name of a GraphQL document (<c>query publications { … }</c> →
    /// <c>publications</c>).</summary>
    public static string? OperationName(string document) =>
        Operation().Match(document) is { Success: true } m ? m.Groups[2].Value : null;

    /// <summary>
    /// What <paramref name="operation"/> needs that <paramref name="granted"/> lacks (comma-separated scopes, as
    /// Shopify
    /// sends them), named as the app asks for them: the merchant approves <c>write_publications</c>, not its read half.
    /// </summary>
    public static IReadOnlyList<string> Missing(string granted, string operation)
    {
        var have = granted
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.Ordinal);
        return
        [
            .. Required[operation]
                .Where(scope =>
                    !have.Contains(scope)
                    && !(
                        scope.StartsWith("read_", StringComparison.Ordinal)
                        && have.Contains("write_" + scope["read_".Length..])
                    )
                )
                .Select(AsRequested)
                .Distinct(),
        ];
    }

    /// <summary>The scope the app asks for that covers <paramref name="scope"/>.</summary>
    public static string AsRequested(string scope) =>
        scope.StartsWith("read_", StringComparison.Ordinal)
        && Requested.Split(',').Contains("write_" + scope["read_".Length..])
            ? "write_" + scope["read_".Length..]
            : scope;

    /// <summary>Requested scopes a recorded grant lacks (none when the grant is not known).</summary>
    public static IReadOnlyList<string> NotGranted(string? granted)
    {
        if (granted is null)
            return [];
        var have = granted
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.Ordinal);
        return [.. Requested.Split(',').Where(s => !have.Contains(s))];
    }

    private static IEnumerable<string> Minimal(IEnumerable<string> scopes)
    {
        var all = scopes.ToHashSet(StringComparer.Ordinal);
        return all.Where(s =>
                !(s.StartsWith("read_", StringComparison.Ordinal) && all.Contains("write_" + s["read_".Length..]))
            )
            .Order(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^\s*(query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Operation();
}
