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
            IOptions<StorageOptions> storage,
            TimeProvider clock, CancellationToken ct) =>
        {
            var delivery = token.Length is > 20 and < 64 ? await db.Deliveries.AsNoTracking()
                .SingleOrDefaultAsync(d => d.Token == token, ct) : null;
            if (delivery is null) return Page(404, new { Title = "This download link is not valid." });
            var now = clock.GetUtcNow();
            if (delivery.RevokedAt is not null)
                return Page(410, new { Title = "This download link was withdrawn.",
                    Message = "The order was cancelled or refunded." });
            if (delivery.ExpiresAt <= now) return Page(410, new { Title = "This download link has expired.",
                Message = "Ask the shop for a new one." });
            var story = await db.Stories.AsNoTracking().SingleAsync(s => s.Id == delivery.StoryId, ct);
            var life = TimeSpan.FromTicks(Math.Min(storage.Value.UrlLifetime.Ticks, (delivery.ExpiresAt - now).Ticks));
            var files = new[]
                {
                    ("The book (PDF, for reading on screen)", story.PdfUrl),
                        ("The book (PDF, for printing, with bleed)", story.PrintPdfKey),
                    ("The story read aloud (MP3)", story.AudioFiles.Count > 0 ? story.AudioFiles[^1] : null),
                        ("Read-along e-book (EPUB)", story.EpubKey),
                }
                .Where(f => f.Item2 is not null).Select(f => (f.Item1, assets.GetUrl(f.Item2!,
                    life).ToString())).ToList();
            return Page(200, new
            {
                Title = story.Title ?? "Your book",
                TitleIsBook = story.Title is not null,
                Cover = story.CoverImage is null ? null : assets.GetUrl(story.CoverImage, life).ToString(),
                Files = (IReadOnlyList<(string, string)>)files,
                ValidUntil = (DateTimeOffset?)delivery.ExpiresAt,
            });
        }).ExcludeFromDescription();
        return app;
    }

    private static RazorComponentResult<DownloadView> Page(int status,
        object parameters) => new(parameters) { StatusCode = status };
}
