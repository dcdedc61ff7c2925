using StorybookShop.Data;
using StorybookShop.Storage;

namespace StorybookShop.Books;

/// <summary>
/// The folder Chromium reads a book from: the cover and every page's picture beside the HTML, and — when the shop
/// makes colouring pages — each page's line art. Deleted when disposed.
/// </summary>
public sealed class BookFolder : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("book-");

    public string Path => _dir.FullName;
    public string Cover { get; private set; } = "";
    public List<string> Images { get; } = [];

    /// <summary>Every page's line art (the colouring book).</summary>
    public List<string> Lines { get; } = [];

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public static async Task<BookFolder> FillAsync(
        IAssetStore assets,
        Story story,
        IReadOnlyList<StoryPage> pages,
        CancellationToken ct
    )
    {
        var folder = new BookFolder();
        try
        {
            folder.Cover = await folder.FetchAsync(
                assets,
                story.CoverImage ?? throw new InvalidOperationException("The story has no cover picture."),
                "cover.jpg",
                ct
            );
            foreach (var p in pages)
                folder.Images.Add(
                    await folder.FetchAsync(
                        assets,
                        p.ImageKey ?? throw new InvalidOperationException($"Page {p.Number} has no picture."),
                        $"page-{p.Number:D2}.jpg",
                        ct
                    )
                );
            if (story.Shop?.Settings.ColouringPages == true)
                foreach (var p in pages)
                    if (await assets.GetAsync(AssetKeys.LineArt(story.ShopId, story.Id, p.Number), ct) is { } line)
                    {
                        await System.IO.File.WriteAllBytesAsync(folder.File($"line-{p.Number:D2}.jpg"), line, ct);
                        folder.Lines.Add($"line-{p.Number:D2}.jpg");
                    }
            return folder;
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    /// <summary>The book's HTML beside its pictures (the colouring pages at the end when it has line art); returns
    /// its path, for the renderer.</summary>
    public async Task<string> WriteBookAsync(
        Hosting.ComponentHtml components,
        Story story,
        IReadOnlyList<StoryPage> pages,
        Catalog.BookFormat format,
        CancellationToken ct
    )
    {
        var colouring = Colouring(Lines.Count == 0 ? 0 : BookLayout.DrawingPages(pages.Count, true));
        var html = File("book.html");
        await System.IO.File.WriteAllTextAsync(
            html,
            await BookLayout.HtmlAsync(
                components,
                story,
                pages,
                new BookLayout.Images(Cover, Images, colouring),
                format
            ),
            ct
        );
        return html;
    }

    /// <summary>The line art chosen across the story for the book's last <paramref name="count"/> pages: the first, the
    /// last and evenly between, repeating when there are fewer.</summary>
    public List<string> Colouring(int count) =>
        Lines.Count == 0
            ? []
            :
            [
                .. Enumerable
                    .Range(0, count)
                    .Select(i =>
                        Lines[
                            count <= Lines.Count
                                ? (count == 1 ? 0 : (int)Math.Round(i * (Lines.Count - 1) / (double)(count - 1)))
                                : i % Lines.Count
                        ]
                    ),
            ];

    private async Task<string> FetchAsync(IAssetStore assets, string key, string file, CancellationToken ct)
    {
        var bytes = await assets.GetAsync(key, ct) ?? throw new InvalidOperationException($"Asset {key} is missing.");
        await System.IO.File.WriteAllBytesAsync(File(file), bytes, ct);
        return file;
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
