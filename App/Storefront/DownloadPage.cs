using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Storage;

namespace StorybookShop.Storefront;

/// <summary>The buyer's download page: signed, short-lived links to the book's files while the delivery is valid. Its
/// words are English here and translated by the view into the shopper's language.</summary>
public static class DownloadPage
{
    public static WebApplication MapDownloads(this WebApplication app)
    {
        app.MapGet("/downloads/{token}", async (string token, AppDbContext db, IAssetStore assets,
            IOptions<StorageOptions> storage, TimeProvider clock, CancellationToken ct) =>
        {
            if (await OpenAsync(token, db, clock, ct) is not { } open) return await RefusalAsync(token, db, clock, ct);
            var (delivery, story, life) = (open.Delivery, open.Story, Life(storage.Value, open.Delivery, clock));
            var files = new[]
                {
                    ("The book (PDF, for reading on screen)", story.PdfUrl),
                        ("The book (PDF, for printing, with bleed)", story.PrintPdfKey),
                    ("The story read aloud (MP3)", story.AudioFiles.Count > 0 ? story.AudioFiles[^1] : null),
                        ("Read-along e-book (EPUB)", story.EpubKey),
                    ("Colouring book (PDF)", story.ColouringPdfKey),
                }
                .Where(f => f.Item2 is not null).Select(f => (f.Item1, assets.GetUrl(f.Item2!,
                    life).ToString())).ToList();
            return Page(200, new
            {
                Title = story.Title ?? "Your book",
                TitleIsBook = story.Title is not null,
                Cover = story.CoverImage is null ? null : assets.GetUrl(story.CoverImage, life).ToString(),
                Files = (IReadOnlyList<(string, string)>)files,
                ReadUrl = $"/downloads/{token}/read",
                ValidUntil = (DateTimeOffset?)delivery.ExpiresAt,
            });
        }).ExcludeFromDescription();
        // "Read it now": the whole book in the read-along reader, while the delivery is valid.
        app.MapGet("/downloads/{token}/read", async (string token, AppDbContext db, IAssetStore assets,
            IOptions<StorageOptions> storage, TimeProvider clock, CancellationToken ct) =>
        {
            if (await OpenAsync(token, db, clock, ct) is not { } open) return await RefusalAsync(token, db, clock, ct);
            var life = Life(storage.Value, open.Delivery, clock);
            var pages = await db.StoryPages.AsNoTracking().Where(p => p.StoryId == open.Story.Id).ToListAsync(ct);
            return new RazorComponentResult<Reader.ReaderPage>(new
            {
                Book = Reader.ReaderManifest.For(open.Story, pages, key => assets.GetUrl(key, life).ToString()),
            });
        }).ExcludeFromDescription();
        return app;
    }

    private sealed record Open(Delivery Delivery, Story Story);

    /// <summary>The delivery and its book, when the link is valid now.</summary>
    private static async Task<Open?> OpenAsync(string token, AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var delivery = token.Length is > 20 and < 64 ? await db.Deliveries.AsNoTracking()
            .SingleOrDefaultAsync(d => d.Token == token, ct) : null;
        if (delivery is null || delivery.RevokedAt is not null || delivery.ExpiresAt <= clock.GetUtcNow()) return null;
        return new Open(delivery, await db.Stories.AsNoTracking().SingleAsync(s => s.Id == delivery.StoryId, ct));
    }

    /// <summary>Why the link does not open: not valid (404), withdrawn or expired (410).</summary>
    private static async Task<IResult> RefusalAsync(string token, AppDbContext db, TimeProvider clock,
        CancellationToken ct)
    {
        var delivery = token.Length is > 20 and < 64 ? await db.Deliveries.AsNoTracking()
            .SingleOrDefaultAsync(d => d.Token == token, ct) : null;
        if (delivery is null) return Page(404, new { Title = "This download link is not valid." });
        if (delivery.RevokedAt is not null)
            return Page(410, new { Title = "This download link was withdrawn.",
                Message = "The order was cancelled or refunded." });
        return Page(410, new { Title = "This download link has expired.", Message = "Ask the shop for a new one." });
    }

    /// <summary>File links live the storage's URL lifetime, never past the delivery's end.</summary>
    private static TimeSpan Life(StorageOptions storage, Delivery delivery, TimeProvider clock) =>
        TimeSpan.FromTicks(Math.Min(storage.UrlLifetime.Ticks, (delivery.ExpiresAt - clock.GetUtcNow()).Ticks));

    private static RazorComponentResult<DownloadView> Page(int status,
        object parameters) => new(parameters) { StatusCode = status };
}
