namespace StorybookShop.Storage;

/// <summary>Where books, pictures and audio live. Keys are slash-separated paths below one root.</summary>
public interface IAssetStore
{
    Task PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken ct = default);
    Task<byte[]?> GetAsync(string key, CancellationToken ct = default);
    Task<bool> ExistsAsync(string key, CancellationToken ct = default);
    /// <summary>A URL a browser can fetch the asset from until <paramref name="lifetime"/> has passed.</summary>
    Uri GetUrl(string key, TimeSpan lifetime);
    Task DeletePrefixAsync(string prefix, CancellationToken ct = default);
}

public sealed class StorageOptions
{
    public const string Section = "Storage";
    /// <summary>"Local" (disk, served by the app) or "S3".</summary>
    public string Provider { get; set; } = "Local";
    public TimeSpan UrlLifetime { get; set; } = TimeSpan.FromHours(1);
    public LocalStorageOptions Local { get; set; } = new();
    public S3StorageOptions S3 { get; set; } = new();
}

public sealed class LocalStorageOptions
{
    public string Root { get; set; } = ".data/assets";
    /// <summary>Base URL of the app, for absolute asset links. Empty: links are relative to the app.</summary>
    public string? PublicBaseUrl { get; set; }
    /// <summary>HMAC key for signed URLs. Empty: a random key is kept in the asset root (shared by nodes that share the disk).</summary>
    public string? SigningKey { get; set; }
}

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

public static class AssetKeys
{
    public static string StoryPrefix(Guid shopId, Guid storyId) => $"shops/{shopId:N}/stories/{storyId:N}/";
    public static string Cover(Guid shopId, Guid storyId) => StoryPrefix(shopId, storyId) + "images/cover.jpg";
    public static string PageImage(Guid shopId, Guid storyId, int page) => StoryPrefix(shopId, storyId) + $"images/page-{page:D2}.jpg";
    public static string PageAudio(Guid shopId, Guid storyId, int page) => StoryPrefix(shopId, storyId) + $"audio/page-{page:D2}.mp3";
    public static string BookAudio(Guid shopId, Guid storyId) => StoryPrefix(shopId, storyId) + "audio/book.mp3";
    public static string ScreenPdf(Guid shopId, Guid storyId) => StoryPrefix(shopId, storyId) + "book/screen.pdf";
    public static string PrintPdf(Guid shopId, Guid storyId) => StoryPrefix(shopId, storyId) + "book/print.pdf";
    public static string Epub(Guid shopId, Guid storyId) => StoryPrefix(shopId, storyId) + "book/read-along.epub";

    /// <summary>Keys come from our code, but the download endpoint gets them from a URL: refuse anything that climbs.</summary>
    public static bool IsSafe(string key) =>
        key.Length is > 0 and < 512 && !key.StartsWith('/') && !key.Contains('\\') &&
        key.Split('/').All(part => part.Length > 0 && part != "." && part != "..");

    public static string ContentType(string key) => Path.GetExtension(key).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".mp3" => "audio/mpeg",
        ".pdf" => "application/pdf",
        ".epub" => "application/epub+zip",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };
}
