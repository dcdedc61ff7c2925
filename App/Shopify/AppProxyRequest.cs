namespace StorybookShop.Shopify;

/// <summary>What Shopify's app proxy tells us about a storefront request, once its signature checks out.</summary>
public sealed record AppProxyRequest(string Shop, string? LoggedInCustomerId, string? PathPrefix);
