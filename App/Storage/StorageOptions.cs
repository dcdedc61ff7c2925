namespace StorybookShop.Storage;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>"Local" (disk, served by the app) or "S3".</summary>
    public string Provider { get; set; } = "Local";
    public TimeSpan UrlLifetime { get; set; } = TimeSpan.FromHours(1);
    public LocalStorageOptions Local { get; set; } = new();
    public S3StorageOptions S3 { get; set; } = new();
}
