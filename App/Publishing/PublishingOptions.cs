namespace StorybookShop.Publishing;

public sealed class PublishingOptions
{
    public const string Section = "Publishing";

    /// <summary>The product price (shop currency) when the shop sets none.</summary>
    public decimal DefaultPrice { get; set; } = 19.99m;

    /// <summary>Pages shown on the product besides the cover.</summary>
    public int PreviewPages { get; set; } = 2;

    /// <summary>The sales channel a published book appears in.</summary>
    public string PublicationName { get; set; } = "Online Store";
}
