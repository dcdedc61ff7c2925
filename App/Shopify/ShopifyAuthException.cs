namespace StorybookShop.Shopify;

/// <summary>The shop must be authenticated again (its tokens are gone, revoked or refused).</summary>
public sealed class ShopifyAuthException(string shop, string message) : Exception(message)
{
    public string Shop { get; } = shop;
}
