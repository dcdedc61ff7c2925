using System.ComponentModel;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Stories;

namespace StorybookShop.Storefront;

/// <summary>
/// A recurring job: previews nobody paid for are erased (rows and files) after <c>Storefront:PreviewRetention</c>,
/// and storefront limit windows older than an hour are forgotten. A paid or published book is never touched.
/// </summary>
public sealed partial class PreviewPurgeJob(
    IDbContextFactory<AppDbContext> contexts,
    StoryEraser eraser,
    StorefrontLimits limits,
    IOptions<StorefrontOptions> options,
    TimeProvider clock,
    ILogger<PreviewPurgeJob> logger
)
{
    public const string RecurringId = "preview-purge";

    [DisplayName("Erase unpaid previews")]
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - options.Value.PreviewRetention;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stale = await db
            .Stories.AsNoTracking()
            .Where(s =>
                s.PaidAt == null
                && !s.Released
                && s.ShopifyProductId == null
                && s.CreatedAt < before
                && (s.Status == StoryStatus.Preview || s.Status == StoryStatus.Error)
            )
            .OrderBy(s => s.CreatedAt)
            .Take(500)
            .Select(s => new { s.Id, s.ShopId })
            .ToListAsync(cancellationToken);
        foreach (var shop in stale.GroupBy(s => s.ShopId))
            await eraser.EraseAsync(db, shop.Key, [.. shop.Select(s => s.Id)], cancellationToken);
        await limits.PruneAsync(cancellationToken);
        if (stale.Count > 0)
            Log.UnpaidPreviewsErased(logger, stale.Count, options.Value.PreviewRetention.TotalDays);
        return stale.Count;
    }

    private static partial class Log
    {
        [LoggerMessage(
            Level = LogLevel.Information,
            Message = "Erased {Count} unpaid preview(s) older than {Days} days"
        )]
        public static partial void UnpaidPreviewsErased(ILogger logger, int count, double days);
    }
}
