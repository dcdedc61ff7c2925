namespace StorybookShop.Shopify;

public sealed class ShopifyOptions
{
    public const string Section = "Shopify";

    /// <summary>The app's client id (API key) from the Partner Dashboard; session tokens carry it as
    /// <c>aud</c>.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The client secret: signs session tokens, OAuth redirects, app proxy requests and webhooks.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>The secret before a rotation, still accepted until every sender has the new one.</summary>
    public string PreviousClientSecret { get; set; } = "";

    /// <summary>Admin API version used everywhere (quarterly: 2026-01, 2026-04, …).</summary>
    public string ApiVersion { get; set; } = "2026-10";
    public string AppUrl { get; set; } = "";

    /// <summary>Asked for in the authorization-code install; the table's own (<see cref="ShopifyScopes.Requested"/>)
    /// unless overridden.</summary>
    public string Scopes { get; set; } = ShopifyScopes.Requested;

    /// <summary>How to reach a shop's admin: <c>https://{shop}</c>; tests point it at a local fake Shopify.</summary>
    public string ShopUrlTemplate { get; set; } = "https://{shop}";

    /// <summary>How far a signed timestamp (OAuth, app proxy) may be from now.</summary>
    public TimeSpan SignatureWindow { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Leeway for session token exp/nbf.</summary>
    public TimeSpan SessionTokenLeeway { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The Shopify admin's origin, allowed to frame the app's pages (with the shop's own domain).</summary>
    public string AdminOrigin { get; set; } = "https://admin.shopify.com";

    /// <summary>The Content-Security-Policy that lets only the shop's admin frame a page (Shopify's requirement for
    /// embedded apps).</summary>
    public string FrameAncestors(string? shop) =>
        $"frame-ancestors {(string.IsNullOrEmpty(shop) ? "" : $"https://{shop} ")}{AdminOrigin};";

    public IEnumerable<string> Secrets() =>
        new[] { ClientSecret, PreviousClientSecret }.Where(s => !string.IsNullOrEmpty(s));
}
