using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Admin;

/// <summary>The merchant's API: session-token authentication and the admin's frame-ancestors policy, applied once per group.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminGroup(this WebApplication app, string prefix, string tag) =>
        app.MapGroup(prefix).WithTags(tag)
            .RequireAuthorization(p => p.AddAuthenticationSchemes(SessionTokenAuthentication.SchemeName).RequireClaim(SessionTokenAuthentication.ShopClaim))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .AddEndpointFilter(async (ctx, next) =>
            {
                CurrentShop.AddFrameAncestors(ctx.HttpContext);
                return await next(ctx);
            });

    public sealed record DataExportSummary(Guid Id, string CustomerId, string? DataRequestId, DateTimeOffset CreatedAt);

    /// <summary>What customers/data_request produced, for the merchant to hand to the customer.</summary>
    public static WebApplication MapDataExports(this WebApplication app)
    {
        var group = app.MapAdminGroup("/api/data-exports", "Compliance");
        group.MapGet("/", async (HttpContext http, AppDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var shop = await CurrentShop.GetAsync(http, db, clock, ct);
            return TypedResults.Ok(await db.DataExports.AsNoTracking().Where(x => x.ShopId == shop.Id).OrderByDescending(x => x.CreatedAt)
                .Select(x => new DataExportSummary(x.Id, x.CustomerId, x.DataRequestId, x.CreatedAt)).ToListAsync(ct));
        });
        group.MapGet("/{id:guid}", async Task<Results<ContentHttpResult, NotFound>> (Guid id, HttpContext http, AppDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var shop = await CurrentShop.GetAsync(http, db, clock, ct);
            var export = await db.DataExports.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id && x.ShopId == shop.Id, ct);
            return export is null ? TypedResults.NotFound() : TypedResults.Content(export.Payload, "application/json");
        });
        return app;
    }
}
