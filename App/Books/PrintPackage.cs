using System.IO.Compression;
using System.Text.Json;
using StorybookShop.Catalog;
using StorybookShop.Data;
using StorybookShop.Storage;

namespace StorybookShop.Books;

/// <summary>
/// The merchant's print package for a finished book: the interior (the print PDF), a cover wrap sized to the book's
/// page count and paper, and the preflight report of both — stored, and zipped together for the print shop. Offline
/// pictures drawn at screen size are drawn again at 300 DPI first (<see cref="PrintPictures"/>), so the default book
/// passes.
/// </summary>
public sealed class PrintPackage(
    BookRenderer renderer,
    PrintPictures pictures,
    IAssetStore assets,
    Hosting.ComponentHtml components,
    TimeProvider clock
)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<Preflight.Report> BuildAsync(Story story, CancellationToken ct)
    {
        var interiorKey = story.PrintPdfKey ?? throw new InvalidOperationException("The book has no print PDF yet.");
        var format = BookFormat.ForTrim(story.Shop?.Settings.TrimInches);
        var dir = Directory.CreateTempSubdirectory("print-");
        try
        {
            var interior = Path.Combine(dir.FullName, "interior.pdf");
            await File.WriteAllBytesAsync(
                interior,
                await assets.GetAsync(interiorKey, ct)
                    ?? throw new InvalidOperationException("The print PDF is missing."),
                ct
            );
            var sharper = await pictures.SharpenAsync(story.Id, format, interior, ct);
            if (sharper is { } print)
            {
                // The print PDF itself becomes the 300 DPI one: the story's download and the package agree.
                await File.WriteAllBytesAsync(interior, print.Interior, ct);
                await assets.PutAsync(interiorKey, print.Interior, "application/pdf", ct);
            }
            var pages = (await Poppler.BoxesAsync(interior, ct)).Count;
            var wrap = CoverGeometry.For(format, pages, story.Shop?.Settings.Paper);

            var coverPdf = await RenderCoverAsync(
                story,
                sharper?.Cover
                    ?? await assets.GetAsync(
                        story.CoverImage ?? throw new InvalidOperationException("The book has no cover picture."),
                        ct
                    )
                    ?? throw new InvalidOperationException("The cover picture is missing."),
                wrap,
                ct
            );
            var cover = Path.Combine(dir.FullName, "cover.pdf");
            await File.WriteAllBytesAsync(cover, coverPdf, ct);

            var report = await Preflight.RunAsync(interior, cover, format, wrap, clock.GetUtcNow(), ct);
            var reportJson = JsonSerializer.SerializeToUtf8Bytes(report, Json);
            using var zip = new MemoryStream();
            using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
            {
                await Add(archive, "interior.pdf", await File.ReadAllBytesAsync(interior, ct), ct);
                await Add(archive, "cover.pdf", coverPdf, ct);
                await Add(archive, "preflight.json", reportJson, ct);
            }
            await assets.PutAsync(AssetKeys.CoverWrap(story.ShopId, story.Id), coverPdf, "application/pdf", ct);
            await assets.PutAsync(AssetKeys.Preflight(story.ShopId, story.Id), reportJson, "application/json", ct);
            await assets.PutAsync(AssetKeys.PrintPackage(story.ShopId, story.Id), zip.ToArray(), "application/zip", ct);
            return report;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The cover wrap as a print PDF: rendered at its full size (bleed included), with its trim and bleed
    /// boxes.</summary>
    public async Task<byte[]> RenderCoverAsync(Story story, byte[] coverJpeg, CoverGeometry wrap, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("cover-");
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(dir.FullName, "cover.jpg"), coverJpeg, ct);
            var html = Path.Combine(dir.FullName, "cover.html");
            await File.WriteAllTextAsync(
                html,
                await components.RenderAsync<CoverWrap>(
                    new Dictionary<string, object?>
                    {
                        [nameof(CoverWrap.Story)] = story,
                        [nameof(CoverWrap.Cover)] = "cover.jpg",
                        [nameof(CoverWrap.Wrap)] = wrap,
                    }
                ),
                ct
            );
            return PrintBoxes.Add(
                await renderer.RenderAsync(html, new BookFormat(wrap.Width, 0), ct),
                wrap.Width,
                wrap.Height,
                wrap.Bleed
            );
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The report of the last package made, if any.</summary>
    public async Task<Preflight.Report?> ReportAsync(Story story, CancellationToken ct) =>
        await assets.GetAsync(AssetKeys.Preflight(story.ShopId, story.Id), ct) is { } bytes
            ? JsonSerializer.Deserialize<Preflight.Report>(bytes, Json)
            : null;

    private static async Task Add(ZipArchive archive, string name, byte[] bytes, CancellationToken ct)
    {
        var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
        await using var stream = await entry.OpenAsync(ct);
        await stream.WriteAsync(bytes, ct);
    }
}
