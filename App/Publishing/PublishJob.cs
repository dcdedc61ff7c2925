using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Publishing;

/// <summary>The durable publish: one job per story, retried with backoff, taken over by another node after a
/// crash.</summary>
public sealed partial class PublishJob(
    ProductPublisher publisher,
    IDbContextFactory<AppDbContext> contexts,
    TimeProvider clock,
    ILogger<PublishJob> logger
)
{
    [Jobs.StoryJobName("Publishing · story {0}")]
    public async Task RunAsync(Guid storyId, CancellationToken cancellationToken)
    {
        Log.PublishStarted(logger, storyId);
        try
        {
            await publisher.PublishAsync(storyId, cancellationToken);
        }
        catch (Exception e)
            when (e is PublishRefusedException or ShopifyUserErrorsException or ShopifyMissingScopeException)
        {
            // Shopify refused what we sent (or there is nothing to publish): say why on the story, do not retry.
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await db
                .Stories.Where(s => s.Id == storyId)
                .ExecuteUpdateAsync(
                    u =>
                        u.SetProperty(s => s.FailureReason, $"Publishing failed: {e.Message}")
                            .SetProperty(s => s.UpdatedAt, clock.GetUtcNow()),
                    cancellationToken
                );
            Log.PublishRefused(logger, e, storyId);
        }
    }

    /// <summary>After the last attempt: a book that could not be published stays Complete; the reason shows on the
    /// story.</summary>
    public static void FailedForGood(IServiceProvider services, Guid storyId, int attempts, Exception cause)
    {
        using var db = services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        db.Stories.Where(s => s.Id == storyId)
            .ExecuteUpdate(u =>
                u.SetProperty(s => s.FailureReason, $"Publishing failed after {attempts} attempt(s): {cause.Message}")
                    .SetProperty(s => s.UpdatedAt, now)
            );
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Story {StoryId}: publishing")]
        public static partial void PublishStarted(ILogger logger, Guid storyId);

        [LoggerMessage(Level = LogLevel.Error, Message = "Story {StoryId}: publishing refused")]
        public static partial void PublishRefused(ILogger logger, Exception exception, Guid storyId);
    }
}
