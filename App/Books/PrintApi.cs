using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Admin;
using StorybookShop.Data;
using StorybookShop.Shopify;
using StorybookShop.Storage;

namespace StorybookShop.Books;

/// <summary>
/// The print package of a finished book: make it (cover wrap + preflight + zip), read its preflight report, and
/// download the zip (interior, cover, report) by a signed link.
/// </summary>
public static class PrintApi
{
    public sealed record PrintView(Preflight.Report Report, string PackageUrl, string CoverUrl);

    public static WebApplication MapPrint(this WebApplication app)
    {
        var group = app.MapShopApi("/api/stories", "Print");
        group.MapPost("/{id:guid}/print", MakeAsync).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:guid}/print", GetAsync);
        return app;
    }

    internal static async Task<Results<Ok<PrintView>, NotFound, ProblemHttpResult>> MakeAsync(
        Guid id,
        CurrentShop current,
        AppDbContext db,
        PrintPackage package,
        IAssetStore assets,
        IOptions<StorageOptions> storage,
        CancellationToken ct
    )
    {
        var story = await db
            .Stories.AsNoTracking()
            .Include(s => s.Shop)
            .SingleOrDefaultAsync(s => s.Id == id && s.ShopId == current.Id, ct);
        if (story is null)
            return TypedResults.NotFound();
        if (story.PrintPdfKey is null || story.Status is not (StoryStatus.Complete or StoryStatus.Published))
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The book is not finished yet.",
                detail: "The print package is made from the finished book."
            );
        var report = await package.BuildAsync(story, ct);
        return TypedResults.Ok(View(story, report, assets, storage.Value));
    }

    internal static async Task<Results<Ok<PrintView>, NotFound>> GetAsync(
        Guid id,
        CurrentShop current,
        AppDbContext db,
        PrintPackage package,
        IAssetStore assets,
        IOptions<StorageOptions> storage,
        CancellationToken ct
    )
    {
        var story = await db.Stories.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && s.ShopId == current.Id, ct);
        return story is not null && await package.ReportAsync(story, ct) is { } report
            ? TypedResults.Ok(View(story, report, assets, storage.Value))
            : TypedResults.NotFound();
    }

    private static PrintView View(Story story, Preflight.Report report, IAssetStore assets, StorageOptions storage) =>
        new(
            report,
            assets.GetUrl(AssetKeys.PrintPackage(story.ShopId, story.Id), storage.UrlLifetime).ToString(),
            assets.GetUrl(AssetKeys.CoverWrap(story.ShopId, story.Id), storage.UrlLifetime).ToString()
        );
}
