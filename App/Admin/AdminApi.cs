using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Admin;

/// <summary>What customers/data_request produced, behind the merchant's API policy.</summary>
public static class AdminApi
{
    public sealed record DataExportSummary(Guid Id, string CustomerId, string? DataRequestId, DateTimeOffset CreatedAt);

    /// <summary>What customers/data_request produced, for the merchant to hand to the customer.</summary>
    public static WebApplication MapDataExports(this WebApplication app)
    {
        var group = app.MapShopApi("/api/data-exports", "Compliance");
        group.MapGet("/", async (CurrentShop shop, AppDbContext db, CancellationToken ct) =>
        {
            return TypedResults.Ok(
                await db
                    .DataExports.AsNoTracking()
                    .Where(x => x.ShopId == shop.Id)
                    .OrderByDescending(x => x.CreatedAt)
                    .Select(x => new DataExportSummary(x.Id, x.CustomerId, x.DataRequestId, x.CreatedAt))
                    .ToListAsync(ct)
            );
        });
        group.MapGet(
            "/{id:guid}",
            async Task<Results<ContentHttpResult, NotFound>> (
                Guid id,
                CurrentShop shop,
                AppDbContext db,
                CancellationToken ct
            ) =>
            {
                var export = await db
                    .DataExports.AsNoTracking()
                    .SingleOrDefaultAsync(x => x.Id == id && x.ShopId == shop.Id, ct);
                return export is null
                    ? TypedResults.NotFound()
                    : TypedResults.Content(export.Payload, "application/json");
            }
        );
        return app;
    }
}
