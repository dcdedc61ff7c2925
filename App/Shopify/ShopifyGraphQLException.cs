namespace StorybookShop.Shopify;

/// <summary>GraphQL errors other than throttling (a bad query, a missing permission).</summary>
public sealed class ShopifyGraphQLException(string message) : Exception(message);
