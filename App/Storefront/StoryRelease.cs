using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Generation;

namespace StorybookShop.Storefront;

/// <summary>What paying for a book does to it: linked to the order and customer, the rest of the book released, delivery scheduled when it is ready.</summary>
public sealed class StoryRelease(IDbContextFactory<AppDbContext> contexts, StoryPipeline pipeline, Quartz.ISchedulerFactory schedulers,
    Microsoft.Extensions.Options.IOptions<PipelineOptions> options, TimeProvider clock, ILogger<StoryRelease> logger)
{
    /// <summary>Idempotent: a repeated orders/paid finds the story already linked and released, and delivery already scheduled or done.</summary>
    public async Task<bool> PaidAsync(string shopDomain, Guid storyId, string orderId, string? customerId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var updated = await db.Stories.Where(s => s.Id == storyId && s.Shop!.Domain == shopDomain && s.Status != StoryStatus.Archived)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.ShopifyOrderId, orderId)
                .SetProperty(s => s.ShopifyCustomerId, s => customerId ?? s.ShopifyCustomerId)
                .SetProperty(s => s.PaidAt, s => s.PaidAt ?? now)
                .SetProperty(s => s.Released, true)
                .SetProperty(s => s.Status, s => s.Status == StoryStatus.Preview ? StoryStatus.Generating : s.Status)
                .SetProperty(s => s.UpdatedAt, now), ct);
        if (updated == 0)
        {
            // Not ours (any more): an old cart after a customers/redact, or a property edited by hand. Nothing to deliver.
            logger.LogInformation("orders/paid {OrderId} names story {StoryId}, which this shop does not have", orderId, storyId);
            return false;
        }
        var status = await db.Stories.Where(s => s.Id == storyId).Select(s => s.Status).SingleAsync(ct);
        if (status == StoryStatus.Generating) await pipeline.AdvanceAsync(storyId, ct);
        else if (status is StoryStatus.Complete or StoryStatus.Published) await DeliverJob.ScheduleAsync(schedulers, storyId, options.Value, ct);
        return true;
    }
}
