using Microsoft.EntityFrameworkCore;
using StorybookShop.Catalog;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Storage;

namespace StorybookShop.Books;

/// <summary>
/// Lays out the book and makes its outputs, one step each — the print and screen PDFs (one render), the colouring
/// book, the read-along EPUB — then the story is Complete.
/// </summary>
public sealed class BookStage(
    IDbContextFactory<AppDbContext> contexts,
    BookRenderer renderer,
    IAssetStore assets,
    GenerationLedger ledger,
    TimeProvider clock,
    Telemetry.StoryMetrics metrics,
    Hosting.ComponentHtml components
) : IPipelineStage
{
    public PipelineStages Stage => PipelineStages.Book;

    public async Task RunAsync(Story story, CancellationToken ct)
    {
        if (story.StagesDone.HasFlag(PipelineStages.Book))
            return;
        var pages = story.Pages.OrderBy(p => p.Number).ToList();
        var format = BookFormat.ForTrim(story.Shop?.Settings.TrimInches);
        using var folder = await BookFolder.FillAsync(assets, story, pages, ct);
        var pageCount = BookLayout.PageCount(pages.Count, folder.Lines.Count > 0);
        await PdfsAsync(story, pages, folder, format, pageCount, ct);
        var colouringKey = await ColouringBookAsync(story, folder, format, ct);
        var epubKey = await EpubAsync(story, pages, folder, ct);
        await CompleteAsync(story, pageCount, colouringKey, epubKey, ct);
    }

    /// <summary>One render with bleed makes both files: the print PDF (TrimBox, BleedBox) and the screen PDF (cropped
    /// to
    /// the trim). A book laid out before (PdfUrl set) and still stored is current: regenerating a page clears
    /// PdfUrl.</summary>
    private async Task PdfsAsync(
        Story story,
        List<StoryPage> pages,
        BookFolder folder,
        BookFormat format,
        int pageCount,
        CancellationToken ct
    )
    {
        var printKey = AssetKeys.PrintPdf(story.ShopId, story.Id);
        var screenKey = AssetKeys.ScreenPdf(story.ShopId, story.Id);
        if (
            story.PdfUrl is not null
            && await assets.ExistsAsync(printKey, ct)
            && await assets.ExistsAsync(screenKey, ct)
        )
            return;
        var html = await folder.WriteBookAsync(components, story, pages, format, ct);
        var print = await ledger.RecordAsync(
            story.Id,
            GenerationType.Pdf,
            null,
            "chromium",
            $"Book PDF, {format.TrimInches} in square + {format.BleedInches} in bleed, {pageCount} pages",
            async t => new ProviderResult<byte[]>(
                await renderer.RenderAsync(html, format, t),
                "chromium-pdf",
                0m,
                new { pages = pageCount }
            ),
            b => new
            {
                printKey,
                screenKey,
                bytes = b.Length,
            },
            ct
        );
        await assets.PutAsync(screenKey, PrintBoxes.CropToTrim(print, format), "application/pdf", ct);
        await assets.PutAsync(printKey, print, "application/pdf", ct);
    }

    /// <summary>The colouring book on its own: every scene's line art (when the shop makes colouring pages).</summary>
    private async Task<string?> ColouringBookAsync(
        Story story,
        BookFolder folder,
        BookFormat format,
        CancellationToken ct
    )
    {
        if (folder.Lines.Count == 0)
            return null;
        var key = AssetKeys.ColouringBook(story.ShopId, story.Id);
        var html = folder.File("colouring.html");
        await File.WriteAllTextAsync(
            html,
            await components.RenderAsync<ColouringBook>(
                new Dictionary<string, object?>
                {
                    [nameof(ColouringBook.Story)] = story,
                    [nameof(ColouringBook.Lines)] = folder.Lines,
                    [nameof(ColouringBook.TrimInches)] = format.TrimInches,
                }
            ),
            ct
        );
        var pages = ColouringBook.PageCount(folder.Lines.Count);
        var pdf = await ledger.RecordAsync(
            story.Id,
            GenerationType.Pdf,
            null,
            "chromium",
            $"Colouring book PDF, {format.TrimInches} in square, {pages} pages",
            async t => new ProviderResult<byte[]>(
                await renderer.RenderAsync(html, new BookFormat(format.TrimInches, 0), t),
                "chromium-pdf",
                0m,
                new { pages }
            ),
            b => new { colouringKey = key, bytes = b.Length },
            ct
        );
        await assets.PutAsync(key, pdf, "application/pdf", ct);
        return key;
    }

    /// <summary>Read-along: when the narration came with word timings, an EPUB 3 with media overlays goes beside the
    /// PDF.</summary>
    private async Task<string?> EpubAsync(Story story, List<StoryPage> pages, BookFolder folder, CancellationToken ct)
    {
        if (!ReadAlongEpub.CanMake(pages))
            return null;
        var key = AssetKeys.Epub(story.ShopId, story.Id);
        var epubPages = new List<ReadAlongEpub.Page>();
        foreach (var (p, i) in pages.Select((p, i) => (p, i)))
            epubPages.Add(
                new ReadAlongEpub.Page(
                    p.Number,
                    $"page-{p.Number:D2}.jpg",
                    await File.ReadAllBytesAsync(folder.File(folder.Images[i]), ct),
                    $"page-{p.Number:D2}.mp3",
                    await assets.GetAsync(p.AudioKey!, ct)
                        ?? throw new InvalidOperationException($"Page {p.Number}'s narration is missing."),
                    p.AudioSeconds!.Value,
                    p.Words!
                )
            );
        var epub = ReadAlongEpub.Build(
            story,
            await File.ReadAllBytesAsync(folder.File(folder.Cover), ct),
            epubPages,
            clock.GetUtcNow()
        );
        await assets.PutAsync(key, epub, "application/epub+zip", ct);
        return key;
    }

    private async Task CompleteAsync(
        Story story,
        int pageCount,
        string? colouringKey,
        string? epubKey,
        CancellationToken ct
    )
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var took = story.GenerationStartedAt is { } started ? (long)(now - started).TotalMilliseconds : (long?)null;
        await db
            .Stories.Where(s => s.Id == story.Id)
            .ExecuteUpdateAsync(
                u =>
                    StoryLifecycle
                        .Complete.SetWhereAllowed(u)
                        .SetProperty(s => s.PdfUrl, AssetKeys.ScreenPdf(story.ShopId, story.Id))
                        .SetProperty(s => s.PrintPdfKey, AssetKeys.PrintPdf(story.ShopId, story.Id))
                        .SetProperty(s => s.EpubKey, epubKey)
                        .SetProperty(s => s.ColouringPdfKey, colouringKey)
                        .SetProperty(s => s.PageCount, pageCount)
                        .SetProperty(s => s.StagesDone, s => s.StagesDone | PipelineStages.Book)
                        .SetProperty(s => s.GenerationTimeMs, took)
                        .SetProperty(s => s.UpdatedAt, now),
                ct
            );
        if (story.Status == StoryStatus.Generating)
            metrics.BookCompleted();
    }
}
