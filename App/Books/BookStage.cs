using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Storage;
using StorybookShop.Catalog;

namespace StorybookShop.Books;

/// <summary>Lays out the book and renders the screen PDF and the print PDF; then the story is Complete.</summary>
public sealed class BookStage(IDbContextFactory<AppDbContext> contexts, BookRenderer renderer, IAssetStore assets,
    GenerationLedger ledger, TimeProvider clock,
    Telemetry.StoryMetrics metrics, Hosting.ComponentHtml components) : IPipelineStage
{
    public PipelineStages Stage => PipelineStages.Book;

    public async Task RunAsync(Guid storyId, CancellationToken ct)
    {
        Story story;
        await using (var db = await contexts.CreateDbContextAsync(ct))
            story = await db.LoadAsync(storyId, ct);
        if (story.StagesDone.HasFlag(PipelineStages.Book)) return;
        var pages = story.Pages.OrderBy(p => p.Number).ToList();

        // Chromium reads the book from a folder: the HTML and the pictures beside it.
        var dir = Directory.CreateTempSubdirectory("book-");
        try
        {
            var cover = await Fetch(story.CoverImage
                ?? throw new InvalidOperationException("The story has no cover picture."), "cover.jpg");
            var images = new List<string>();
            foreach (var p in pages)
                images.Add(await Fetch(p.ImageKey
                    ?? throw new InvalidOperationException($"Page {p.Number} has no picture."),
                        $"page-{p.Number:D2}.jpg"));

            // Colouring pages (a shop setting): the pages' line art, chosen across the story for the last pages.
            var lines = new List<string>();
            if (story.Shop?.Settings.ColouringPages == true)
                foreach (var p in pages)
                    if (await assets.GetAsync(AssetKeys.LineArt(story.ShopId, story.Id, p.Number), ct) is { } line)
                    {
                        await File.WriteAllBytesAsync(Path.Combine(dir.FullName, $"line-{p.Number:D2}.jpg"), line, ct);
                        lines.Add($"line-{p.Number:D2}.jpg");
                    }
            var colouring = lines.Count == 0 ? []
                : Spread(lines, BookLayout.DrawingPages(pages.Count, colouring: true));

            // One render with bleed makes both files: the print PDF (TrimBox, BleedBox) and the screen PDF (cropped to the trim).
            var pageCount = BookLayout.PageCount(pages.Count, colouring.Count > 0);
            var printKey = AssetKeys.PrintPdf(story.ShopId, story.Id);
            var screenKey = AssetKeys.ScreenPdf(story.ShopId, story.Id);
            // A book laid out before (PdfUrl set) and still stored is current: regenerating a page clears PdfUrl.
            var format = BookFormat.ForTrim(story.Shop?.Settings.TrimInches);
            if (story.PdfUrl is null || !await assets.ExistsAsync(printKey,
                ct) || !await assets.ExistsAsync(screenKey, ct))
            {
                var html = Path.Combine(dir.FullName, "book.html");
                await File.WriteAllTextAsync(html, await BookLayout.HtmlAsync(components, story, pages,
                    new BookLayout.Images(cover, images, colouring), format), ct);
                var print = await ledger.RecordAsync(story.Id, GenerationType.Pdf, null, "chromium",
                    $"Book PDF, {format.TrimInches} in square + {format.BleedInches} in bleed, {pageCount} pages",
                    async t => new ProviderResult<byte[]>(await renderer.RenderAsync(html, format, t), "chromium-pdf",
                        0m, new { pages = pageCount }),
                    b => new { printKey, screenKey, bytes = b.Length }, ct);
                await assets.PutAsync(screenKey, PrintBoxes.CropToTrim(print, format), "application/pdf", ct);
                await assets.PutAsync(printKey, print, "application/pdf", ct);
            }

            // The colouring book on its own: every scene's line art (when the shop makes colouring pages).
            string? colouringKey = null;
            if (lines.Count > 0)
            {
                colouringKey = AssetKeys.ColouringBook(story.ShopId, story.Id);
                var colouringHtml = Path.Combine(dir.FullName, "colouring.html");
                await File.WriteAllTextAsync(colouringHtml, await components.RenderAsync<ColouringBook>(
                    new Dictionary<string, object?>
                    {
                        [nameof(ColouringBook.Story)] = story, [nameof(ColouringBook.Lines)] = lines,
                        [nameof(ColouringBook.TrimInches)] = format.TrimInches,
                    }), ct);
                var colouringPdf = await ledger.RecordAsync(story.Id, GenerationType.Pdf, null, "chromium",
                    $"Colouring book PDF, {format.TrimInches} in square, {ColouringBook.PageCount(lines.Count)} pages",
                    async t => new ProviderResult<byte[]>(await renderer.RenderAsync(colouringHtml,
                        new BookFormat(format.TrimInches, 0), t), "chromium-pdf", 0m,
                        new { pages = ColouringBook.PageCount(lines.Count) }),
                    b => new { colouringKey, bytes = b.Length }, ct);
                await assets.PutAsync(colouringKey, colouringPdf, "application/pdf", ct);
            }

            // Read-along: when the narration came with word timings, an EPUB 3 with media overlays goes beside the PDF.
            string? epubKey = null;
            if (ReadAlongEpub.CanMake(pages))
            {
                epubKey = AssetKeys.Epub(story.ShopId, story.Id);
                var epubPages = new List<ReadAlongEpub.Page>();
                foreach (var (p, i) in pages.Select((p, i) => (p, i)))
                    epubPages.Add(new ReadAlongEpub.Page(p.Number, $"page-{p.Number:D2}.jpg",
                        await File.ReadAllBytesAsync(Path.Combine(dir.FullName, images[i]), ct),
                        $"page-{p.Number:D2}.mp3", await assets.GetAsync(p.AudioKey!,
                            ct) ?? throw new InvalidOperationException($"Page {p.Number}'s narration is missing."),
                        p.AudioSeconds!.Value, p.Words!));
                var epub = ReadAlongEpub.Build(story, await File.ReadAllBytesAsync(Path.Combine(dir.FullName, cover),
                    ct), epubPages, clock.GetUtcNow());
                await assets.PutAsync(epubKey, epub, "application/epub+zip", ct);
            }

            await using var db = await contexts.CreateDbContextAsync(ct);
            var now = clock.GetUtcNow();
            var took = story.GenerationStartedAt is { } started ? (long)(now - started).TotalMilliseconds : (long?)null;
            await db.Stories.Where(s => s.Id == story.Id).ExecuteUpdateAsync(u => StoryLifecycle.Complete
                .SetWhereAllowed(u).SetProperty(s => s.PdfUrl, AssetKeys.ScreenPdf(story.ShopId, story.Id))
                .SetProperty(s => s.PrintPdfKey, AssetKeys.PrintPdf(story.ShopId, story.Id))
                .SetProperty(s => s.EpubKey, epubKey)
                .SetProperty(s => s.ColouringPdfKey, colouringKey)
                .SetProperty(s => s.PageCount, pageCount)
                .SetProperty(s => s.StagesDone, s => s.StagesDone | PipelineStages.Book)
                .SetProperty(s => s.GenerationTimeMs, took)
                .SetProperty(s => s.UpdatedAt, now), ct);
            if (story.Status == StoryStatus.Generating) metrics.BookCompleted();
        }
        finally
        {
            dir.Delete(recursive: true);
        }

        // k items spread across the list (the first, the last and evenly between), repeating when k exceeds it.
        static List<string> Spread(List<string> all, int k) => [.. Enumerable.Range(0, k).Select(i =>
            all[k <= all.Count ? (k == 1 ? 0 : (int)Math.Round(i * (all.Count - 1) / (double)(k - 1)))
                : i % all.Count])];

        async Task<string> Fetch(string key, string file)
        {
            var bytes = await assets.GetAsync(key,
                ct) ?? throw new InvalidOperationException($"Asset {key} is missing.");
            await File.WriteAllBytesAsync(Path.Combine(dir.FullName, file), bytes, ct);
            return file;
        }
    }
}
