namespace StorybookShop.Storefront;

public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>How long a buyer's download page works.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The app's public base URL for download links in Shopify's email; empty: Shopify:AppUrl.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The absolute http(s) base of the buyer's download links (no trailing slash), or null when neither
    /// setting holds one.</summary>
    public static string? PublicBase(DeliveryOptions delivery, Shopify.ShopifyOptions shopify)
    {
        var configured = string.IsNullOrWhiteSpace(delivery.PublicBaseUrl) ? shopify.AppUrl : delivery.PublicBaseUrl;
        return
            Uri.TryCreate(configured, UriKind.Absolute, out var uri)
            && uri.Scheme is "https" or "http"
            && uri.Host.Length > 0
            ? configured!.TrimEnd('/')
            : null;
    }
}
