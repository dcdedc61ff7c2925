namespace StorybookShop.Storage;

public sealed class S3StorageOptions
{
    public string Bucket { get; set; } = "storybookshop";
    public string? ServiceUrl { get; set; }
    public string Region { get; set; } = "us-east-1";
    public bool ForcePathStyle { get; set; }
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }

    /// <summary>Optional public CDN in front of the bucket; when set, URLs are unsigned CDN links.</summary>
    public string? PublicBaseUrl { get; set; }
    public bool CreateBucket { get; set; }
}
