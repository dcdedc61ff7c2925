namespace StorybookShop.Shopify;

/// <summary>
/// A storefront page's own short-lived session, accepted by the app proxy in place of Shopify's signed query (a page
/// must not echo that query into its links): the query key it travels under, and what it was issued for. The
/// storefront issues it; the proxy only asks.
/// </summary>
public interface IAppProxySessions
{
    public const string QueryKey = "session";

    /// <summary>What the token was issued for, or null when it is forged, altered or expired.</summary>
    AppProxyRequest? Validate(string token);
}
