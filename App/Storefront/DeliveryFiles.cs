using StorybookShop.Data;

namespace StorybookShop.Storefront;

/// <summary>
/// A paid book's files by the names its buyer sees them under (<c>/downloads/{token}/files/{name}</c>): every fetch
/// checks the delivery again and is redirected to a link that lives <see cref="LinkLifetime"/>, so a refund ends
/// access within a minute, whatever links were handed out before.
/// </summary>
public static class DeliveryFiles
{
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromSeconds(60);

    /// <summary>Name → asset key, for every file the book has.</summary>
    public static Dictionary<string, string> Of(Story story, IEnumerable<StoryPage> pages)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string name, string? key)
        {
            if (key is not null)
                files[name] = key;
        }
        Add("book.pdf", story.PdfUrl);
        Add("book-print.pdf", story.PrintPdfKey);
        Add("book.mp3", story.AudioFiles.Count > 0 ? story.AudioFiles[^1] : null);
        Add("book.epub", story.EpubKey);
        Add("colouring.pdf", story.ColouringPdfKey);
        Add("cover.jpg", story.CoverImage);
        foreach (var p in pages)
        {
            if (p.ImageStage == AssetStage.Done)
                Add($"page-{p.Number}.jpg", p.ImageKey);
            if (p.AudioStage == AssetStage.Done)
                Add($"page-{p.Number}.mp3", p.AudioKey);
        }
        return files;
    }

    public static string Url(string token, string name) => $"/downloads/{token}/files/{name}";
}
