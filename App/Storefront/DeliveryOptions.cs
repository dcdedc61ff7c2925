namespace StorybookShop.Storefront;

public sealed class DeliveryOptions
{
    public const string Section = "Delivery";
    /// <summary>How long a buyer's download page works.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(30);
    /// <summary>The app's public base URL for download links in Shopify's email; empty: Shopify:AppUrl.</summary>
    public string? PublicBaseUrl { get; set; }
}
