namespace StorybookShop.Storage;

public static class AssetKeys
{
    public static string StoryPrefix(Guid shopId, Guid storyId) => $"shops/{shopId:N}/stories/{storyId:N}/";

    public static string Cover(Guid shopId, Guid storyId) => StoryPrefix(shopId, storyId) + "images/cover.jpg";

    public static string PageImage(Guid shopId, Guid storyId, int page) =>
        StoryPrefix(shopId, storyId) + $"images/page-{page:D2}.jpg";

    public static string LineArt(Guid shopId, Guid storyId, int page) =>
        StoryPrefix(shopId, storyId) + $"images/line-{page:D2}.jpg";

    public static string PageAudio(Guid shopId, Guid storyId, int page) =>
        StoryPrefix(shopId, storyId) + $"audio/page-{page:D2}.mp3";

    public static string BookAudio(Guid shopId, Guid storyId) => StoryPrefix(shopId, storyId) + "audio/book.mp3";

    public static string ScreenPdf(Guid shopId, Guid storyId) => StoryPrefix(shopId, storyId) + "book/screen.pdf";

    public static string PrintPdf(Guid shopId, Guid storyId) => StoryPrefix(shopId, storyId) + "book/print.pdf";

    public static string Epub(Guid shopId, Guid storyId) => StoryPrefix(shopId, storyId) + "book/read-along.epub";

    public static string CoverWrap(Guid shopId, Guid storyId) => StoryPrefix(shopId, storyId) + "print/cover.pdf";

    public static string Preflight(Guid shopId, Guid storyId) => StoryPrefix(shopId, storyId) + "print/preflight.json";

    public static string PrintPackage(Guid shopId, Guid storyId) =>
        StoryPrefix(shopId, storyId) + "print/print-package.zip";

    public static string ColouringBook(Guid shopId, Guid storyId) =>
        StoryPrefix(shopId, storyId) + "book/colouring.pdf";

    /// <summary>What may have a permanent public link: a preview's watermarked pictures. A book's own files
    /// never.</summary>
    public static bool IsPublic(string key) =>
        IsSafe(key) && key.Split('/') is [.., "preview", var file] && file.EndsWith(".jpg", StringComparison.Ordinal);

    /// <summary>Keys come from our code, but the download endpoint gets them from a URL: refuse anything that
    /// climbs.</summary>
    public static bool IsSafe(string key) =>
        key.Length is > 0 and < 512
        && !key.StartsWith('/')
        && !key.Contains('\\')
        && key.Split('/').All(part => part.Length > 0 && part != "." && part != "..");

    public static string ContentType(string key) =>
        Path.GetExtension(key).ToLowerInvariant() switch
        {
            ".jpg" or ".jpeg" => "image/jpeg",
            ".png" => "image/png",
            ".mp3" => "audio/mpeg",
            ".pdf" => "application/pdf",
            ".epub" => "application/epub+zip",
            ".zip" => "application/zip",
            ".json" => "application/json",
            _ => "application/octet-stream",
        };
}
