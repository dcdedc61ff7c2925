namespace StorybookShop.Shopify;

/// <summary>A call the installed token cannot make: the merchant has to approve the scope first.</summary>
public sealed class ShopifyMissingScopeException(string shop, string operation, IReadOnlyList<string> missing)
    : Exception(
        $"missing scope {string.Join(", ", missing)} for {operation} — re-open the app in the Shopify admin to "
            + $"approve it"
    )
{
    public string Shop { get; } = shop;
    public string Operation { get; } = operation;
    public IReadOnlyList<string> Missing { get; } = missing;
}
