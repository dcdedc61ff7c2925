using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Storage;

namespace StorybookShop.Storefront;

/// <summary>The buyer's download page: links to the book's files through <see cref="DeliveryFiles"/> (checked on every
/// fetch) while the delivery is valid. Its words are English here and translated by the view into the shopper's
/// language.</summary>
public static class DownloadPage
{
    public static WebApplication MapDownloads(this WebApplication app)
    {
        var downloads = app.MapGroup("/downloads")
            .ExcludeFromDescription()
            .WithMetadata(Hosting.ResponseSecurity.Download);
        downloads.MapGet("/{token}", async (string token, AppDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            if (await OpenAsync(token, db, clock, ct) is not { } open)
                return await RefusalAsync(token, db, clock, ct);
            var (delivery, story) = (open.Delivery, open.Story);
            var available = DeliveryFiles.Of(story, []);
            var files = new[]
            {
                ("The book (PDF, for reading on screen)", "book.pdf"),
                ("The book (PDF, for printing, with bleed)", "book-print.pdf"),
                ("The story read aloud (MP3)", "book.mp3"),
                ("Read-along e-book (EPUB)", "book.epub"),
                ("Colouring book (PDF)", "colouring.pdf"),
            }
                .Where(f => available.ContainsKey(f.Item2))
                .Select(f => (f.Item1, DeliveryFiles.Url(token, f.Item2)))
                .ToList();
            return Page(
                200,
                new
                {
                    Title = story.Title ?? "Your book",
                    TitleIsBook = story.Title is not null,
                    Cover = available.ContainsKey("cover.jpg") ? DeliveryFiles.Url(token, "cover.jpg") : null,
                    Files = (IReadOnlyList<(string, string)>)files,
                    ReadUrl = $"/downloads/{token}/read",
                    ValidUntil = (DateTimeOffset?)delivery.ExpiresAt,
                }
            );
        });
        // "Read it now": the whole book in the read-along reader, while the delivery is valid.
        downloads.MapGet(
            "/{token}/read",
            async (string token, AppDbContext db, TimeProvider clock, CancellationToken ct) =>
            {
                if (await OpenAsync(token, db, clock, ct) is not { } open)
                    return await RefusalAsync(token, db, clock, ct);
                var pages = await db.StoryPages.AsNoTracking().Where(p => p.StoryId == open.Story.Id).ToListAsync(ct);
                var names = DeliveryFiles
                    .Of(open.Story, pages)
                    .ToDictionary(f => f.Value, f => f.Key, StringComparer.Ordinal);
                return new RazorComponentResult<Reader.ReaderPage>(
                    new
                    {
                        Book = Reader.ReaderManifest.For(open.Story, pages, key =>
                            DeliveryFiles.Url(token, names[key])
                        ),
                    }
                );
            }
        );
        // Each file: the delivery checked again on every fetch, then a link that lives a minute at most.
        downloads.MapGet(
            "/{token}/files/{name}",
            async (
                string token,
                string name,
                AppDbContext db,
                IAssetStore assets,
                TimeProvider clock,
                CancellationToken ct
            ) =>
            {
                if (await OpenAsync(token, db, clock, ct) is not { } open)
                    return await RefusalAsync(token, db, clock, ct);
                var pages = await db.StoryPages.AsNoTracking().Where(p => p.StoryId == open.Story.Id).ToListAsync(ct);
                if (!DeliveryFiles.Of(open.Story, pages).TryGetValue(name, out var key))
                    return Results.NotFound();
                var left = open.Delivery.ExpiresAt - clock.GetUtcNow();
                return Results.Redirect(
                    assets.GetUrl(key, left < DeliveryFiles.LinkLifetime ? left : DeliveryFiles.LinkLifetime).ToString()
                );
            }
        );
        return app;
    }

    private sealed record Open(Delivery Delivery, Story Story);

    /// <summary>The delivery and its book, when the link is valid now.</summary>
    private static async Task<Open?> OpenAsync(string token, AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var delivery = token.Length is > 20 and < 64
            ? await db.Deliveries.AsNoTracking().SingleOrDefaultAsync(d => d.Token == token, ct)
            : null;
        if (delivery is null || delivery.RevokedAt is not null || delivery.ExpiresAt <= clock.GetUtcNow())
            return null;
        return new Open(delivery, await db.Stories.AsNoTracking().SingleAsync(s => s.Id == delivery.StoryId, ct));
    }

    /// <summary>Why the link does not open: not valid (404), withdrawn or expired (410).</summary>
    private static async Task<IResult> RefusalAsync(
        string token,
        AppDbContext db,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var delivery = token.Length is > 20 and < 64
            ? await db.Deliveries.AsNoTracking().SingleOrDefaultAsync(d => d.Token == token, ct)
            : null;
        if (delivery is null)
            return Page(404, new { Title = "This download link is not valid." });
        if (delivery.RevokedAt is not null)
            return Page(
                410,
                new { Title = "This download link was withdrawn.", Message = "The order was cancelled or refunded." }
            );
        return Page(410, new { Title = "This download link has expired.", Message = "Ask the shop for a new one." });
    }

    private static RazorComponentResult<DownloadView> Page(int status, object parameters) =>
        new(parameters) { StatusCode = status };
}
