using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Catalog;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.Offline;
using StorybookShop.Storage;

namespace StorybookShop.Books;

/// <summary>
/// Print-ready by default: a book whose pictures were drawn offline at screen size (about 175 DPI on the printed
/// page) has them drawn again at 300 DPI for the print interior when its package is made (the same scenes, larger)
/// and the interior laid out again. Pictures from an image model cannot be redrawn here; the preflight names the fix.
/// </summary>
public sealed class PrintPictures(
    IDbContextFactory<AppDbContext> contexts,
    [FromKeyedServices(Providers.Offline)] IIllustrator illustrator,
    IOptions<GenerationOptions> options,
    IAssetStore assets,
    BookRenderer renderer,
    Hosting.ComponentHtml components
)
{
    /// <summary>The print interior drawn again at 300 DPI, or null when it is sharp enough or its pictures are not
    /// offline ones. <paramref name="cover"/> is the cover picture at print size when redrawn.</summary>
    public async Task<(byte[] Interior, byte[] Cover)?> SharpenAsync(
        Guid storyId,
        BookFormat format,
        string interior,
        CancellationToken ct
    )
    {
        var images = await Poppler.ImagesAsync(interior, ct);
        if (images.Count == 0 || images.Min(i => Math.Min(i.XPpi, i.YPpi)) >= Preflight.MinimumPpi)
            return null;
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await AllOfflineAsync(db, storyId, ct))
            return null;
        var story = await db
            .Stories.AsNoTracking()
            .Include(s => s.Shop)
            .Include(s => s.Pages)
            .SingleAsync(s => s.Id == storyId, ct);
        var pages = story.Pages.OrderBy(p => p.Number).ToList();
        var settings = (story.Shop?.Settings ?? new ShopSettings()) with { PrintResolution = true };
        var brief = StoryBriefs.For(story) with { Settings = settings };
        var plan = IllustrationPlan.For(story, settings, options.Value.PreviewPages);
        using var folder = await BookFolder.FillAsync(assets, story, pages, ct);
        await Parallel.ForEachAsync(
            plan.Pictures,
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
            async (picture, t) => await DrawAsync(folder, story, brief, plan.Style, picture, t)
        );
        var html = await folder.WriteBookAsync(components, story, pages, format, ct);
        return (
            await renderer.RenderAsync(html, format, ct),
            await File.ReadAllBytesAsync(folder.File(folder.Cover), ct)
        );
    }

    /// <summary>One picture (and its line art, when the book has colouring pages) drawn at print size over the
    /// screen-size file in the book's folder.</summary>
    private async Task DrawAsync(
        BookFolder folder,
        Story story,
        StoryBrief brief,
        string style,
        IllustrationPlan.Picture picture,
        CancellationToken ct
    )
    {
        var request = picture.Request(brief, story.Characters, style);
        var file = picture.Number == 0 ? folder.Cover : $"page-{picture.Number:D2}.jpg";
        await File.WriteAllBytesAsync(folder.File(file), (await illustrator.DrawAsync(request, ct)).Value, ct);
        var line = $"line-{picture.Number:D2}.jpg";
        if (folder.Lines.Contains(line) && illustrator is OfflineIllustrator offline)
            await File.WriteAllBytesAsync(
                folder.File(line),
                (
                    await offline.DrawLineArtAsync(picture.Request(brief, story.Characters, style, lineArt: true), ct)
                ).Value,
                ct
            );
    }

    /// <summary>Every picture the book shows was last drawn by the offline illustrator (the ledger says who drew
    /// each).</summary>
    private static async Task<bool> AllOfflineAsync(AppDbContext db, Guid storyId, CancellationToken ct)
    {
        var latest = await db
            .Generations.Where(g => g.StoryId == storyId && g.Type == GenerationType.Image && g.Error == null)
            .GroupBy(g => g.PageNumber)
            .Select(g => g.OrderByDescending(x => x.CreatedAt).First().Provider)
            .ToListAsync(ct);
        return latest.Count > 0 && latest.All(p => p == Providers.Offline);
    }
}
