namespace StorybookShop.Storefront;

public sealed class StorefrontOptions
{
    public const string Section = "Storefront";

    /// <summary>Books a shop's storefront may start per minute (across all nodes).</summary>
    public int StoriesPerShopPerMinute { get; set; } = 30;

    /// <summary>Books one shopper (logged-in customer, else the browser id the block keeps, else the address) may start
    /// per minute.</summary>
    public int StoriesPerClientPerMinute { get; set; } = 3;

    /// <summary>Books never paid for that a shop's storefront may start in 24 hours (each costs provider
    /// calls).</summary>
    public int UnpaidPreviewsPerShopPerDay { get; set; } = 200;

    /// <summary>Previews never paid for are erased (rows and files) after this long.</summary>
    public TimeSpan PreviewRetention { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Longest a progress stream stays open.</summary>
    public TimeSpan EventStreamLimit { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Progress streams open at once per shop, and per shopper, on one node.</summary>
    public int StreamsPerShop { get; set; } = 200;
    public int StreamsPerShopper { get; set; } = 3;
}
