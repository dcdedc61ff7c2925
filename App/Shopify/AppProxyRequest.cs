namespace StorybookShop.Shopify;

/// <summary>What Shopify's app proxy tells us about a storefront request, once its signature checks out.</summary>
/// <param name="Locale">The storefront's language as the theme block sent it (<c>request.locale.iso_code</c>,
/// e.g. <c>es</c> or <c>pt-BR</c>), part of the signed query; null when the request did not say.</param>
/// <param name="Credential">What vouched for the request: Shopify's signature, or the standalone page's token.</param>
public sealed record AppProxyRequest(
    string Shop,
    string? LoggedInCustomerId,
    string? PathPrefix,
    string? Locale = null,
    string? Credential = null
);
