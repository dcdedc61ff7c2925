using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Shopify;
using StorybookShop.Storage;
using StorybookShop.Stories;

namespace StorybookShop.Admin;

/// <summary>The merchant's stories inside the admin: a filtered, paged list and one story with its pages, files, ledger
/// and actions.</summary>
public static class StoryPages
{
    public const int PageSize = 25;

    public static WebApplication MapStoryPages(this WebApplication app)
    {
        var pages = app.MapShopPages();
        pages.MapGet("/stories", ListAsync);
        pages.MapGet("/stories/new", (AdminContext admin) =>
            new RazorComponentResult<NewBookForm>(new { Context = admin })
        );
        pages.MapGet("/stories/{id:guid}", DetailAsync);
        pages.MapGet("/stories/{id:guid}/read", ReadAsync);
        return app;
    }

    private static async Task<IResult> ListAsync(
        AdminContext admin,
        AppDbContext db,
        ShopLocale zone,
        CancellationToken ct,
        string? status = null,
        DateOnly? from = null,
        DateOnly? to = null,
        string? customer = null,
        string? order = null,
        int page = 1
    )
    {
        var ctx = admin;
        await zone.EnsureAsync(db, ctx.Shop, ct);
        page = Math.Max(1, page);
        var query = db.Stories.AsNoTracking().Where(s => s.ShopId == ctx.Shop.Id);
        if (Enum.TryParse<StoryStatus>(status, ignoreCase: true, out var st))
            query = query.Where(s => s.Status == st);
        // The merchant's days: from and to are dates in the shop's time zone.
        if (from is { } f)
        {
            var start = ShopLocale.StartOf(ctx.Shop, f);
            query = query.Where(s => s.CreatedAt >= start);
        }
        if (to is { } t)
        {
            var end = ShopLocale.StartOf(ctx.Shop, t.AddDays(1));
            query = query.Where(s => s.CreatedAt < end);
        }
        if (!string.IsNullOrWhiteSpace(customer))
            query = query.Where(s => s.ShopifyCustomerId == customer.Trim());
        if (!string.IsNullOrWhiteSpace(order))
            query = query.Where(s => s.ShopifyOrderId == order.Trim());
        var total = await query.CountAsync(ct);
        var rows = await query
            .OrderByDescending(s => s.CreatedAt)
            .Skip((page - 1) * PageSize)
            .Take(PageSize)
            .Select(s => new
            {
                s.Id,
                s.Title,
                s.ChildName,
                s.Status,
                s.StagesDone,
                s.CreatedAt,
                s.ShopifyOrderId,
                Pages = s.Pages.Count,
                Images = s.Pages.Count(p => p.ImageStage == AssetStage.Done),
                Audio = s.Pages.Count(p => p.AudioStage == AssetStage.Done),
                Cost = db.Generations.Where(g => g.StoryId == s.Id).Sum(g => (decimal?)g.Cost) ?? 0m,
            })
            .ToListAsync(ct);

        return new RazorComponentResult<StoryList>(
            new
            {
                Context = ctx,
                Filter = new StoryList.Filters(status, from, to, customer, order),
                Rows = rows.Select(r => new StoryList.Row(
                        r.Id,
                        r.Title,
                        r.ChildName,
                        r.Status,
                        r.Status is StoryStatus.Complete or StoryStatus.Published
                            ? 100
                            : StoryApi.Percent(r.StagesDone, r.Pages, r.Images, r.Audio),
                        r.Cost,
                        r.ShopifyOrderId,
                        r.CreatedAt
                    ))
                    .ToList(),
                Page = page,
                Total = total,
            }
        );
    }

    /// <summary>The merchant reads the book in the reader, as the buyer will.</summary>
    private static async Task<IResult> ReadAsync(
        Guid id,
        AdminContext admin,
        AppDbContext db,
        IAssetStore assets,
        IOptions<StorageOptions> storage,
        CancellationToken ct
    )
    {
        var story = await db
            .Stories.AsNoTracking()
            .Include(s => s.Pages)
            .SingleOrDefaultAsync(s => s.Id == id && s.ShopId == admin.Shop.Id, ct);
        if (story is null)
            return Results.NotFound();
        var life = storage.Value.UrlLifetime;
        return new RazorComponentResult<Reader.ReaderPage>(
            new { Book = Reader.ReaderManifest.For(story, story.Pages, key => assets.GetUrl(key, life).ToString()) }
        );
    }

    private static async Task<IResult> DetailAsync(
        Guid id,
        AdminContext admin,
        AppDbContext db,
        IAssetStore assets,
        IOptions<StorageOptions> storage,
        Books.PrintPackage print,
        Jobs.StoryJobs jobs,
        CancellationToken ct
    )
    {
        var ctx = admin;
        var story = await db
            .Stories.AsNoTracking()
            .Include(s => s.Pages)
            .SingleOrDefaultAsync(s => s.Id == id && s.ShopId == ctx.Shop.Id, ct);
        if (story is null)
            return Results.NotFound();
        var ledger = await db
            .Generations.AsNoTracking()
            .Where(g => g.StoryId == id)
            .OrderBy(g => g.CreatedAt)
            .ToListAsync(ct);
        var deliveries = await db
            .Deliveries.AsNoTracking()
            .Where(d => d.StoryId == id && d.ShopId == ctx.Shop.Id)
            .OrderBy(d => d.CreatedAt)
            .ToListAsync(ct);
        var life = storage.Value.UrlLifetime;
        string? Url(string? key) => key is null ? null : assets.GetUrl(key, life).ToString();
        // The tiles show thumbnails, made here the first time the story is shown (a picture that cannot be read shows
        // as it is).
        var thumbs = await Storage.Thumbnails.EnsureAsync(
            assets,
            [
                .. story
                    .Pages.Where(p => p.ImageStage == AssetStage.Done && p.ImageKey is not null)
                    .Select(p => p.ImageKey!)
                    .Prepend(story.CoverImage)
                    .OfType<string>(),
            ],
            ct
        );
        string? Thumb(string? key) =>
            key is null ? null : Url(thumbs.Contains(key) ? Storage.Thumbnails.KeyFor(key) : key);
        return new RazorComponentResult<StoryDetail>(
            new
            {
                Context = ctx,
                Story = story,
                Ledger = ledger,
                Deliveries = deliveries,
                Url = (Func<string?, string?>)Url,
                Thumb = (Func<string?, string?>)Thumb,
                Print = story.PrintPdfKey is null ? null : await print.ReportAsync(story, ct),
                Publishing = story.Status == StoryStatus.Complete
                    && await jobs.IsLiveAsync(story.Id, Jobs.StoryJobKind.Publish, ct),
            }
        );
    }
}
