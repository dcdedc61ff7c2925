using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Publishing;
using StorybookShop.Storefront;

namespace StorybookShop.Jobs;

/// <summary>
/// What a story job's state changes mean for the story, in one filter: the final failure of a stage puts the story in
/// Error with the reason (of a publish: the reason shows on the book); a failed stage requeued from the dashboard
/// reopens its story; and each shop's succeeded/failed counters feed its dashboard's graphs (Hangfire's own
/// history expires with the jobs). Hangfire applies FailedState only after the last retry.
/// </summary>
public sealed partial class StoryJobStateFilter(IDbContextFactory<AppDbContext> contexts, TimeProvider clock,
    Telemetry.StoryMetrics metrics, ILogger<StoryJobStateFilter> logger)
    : IApplyStateFilter
{
    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        if (Identify(context.BackgroundJob.Job) is not { } job) return;
        if (context.NewState is SucceededState or FailedState
            && context.GetJobParameter<string>(StoryJobs.ShopParameter, allowStale: true) is { Length: > 0 } shop)
            ShopStatistics.Count(transaction, shop, context.NewState.Name, clock.GetUtcNow().UtcDateTime);

        if (context.NewState is FailedState failed) OnFinalFailure(context, job.StoryId, job.Kind, failed.Exception);
        else if (context.NewState is EnqueuedState && context.OldStateName == FailedState.StateName
            && job.Kind <= StoryJobKind.Book)
        {
            // Requeue of a failed stage: the story goes back to making itself.
            using var db = contexts.CreateDbContext();
            db.Stories.Where(s => s.Id == job.StoryId).Where(StoryLifecycle.Retry.Allowed).ExecuteUpdate(u =>
                StoryLifecycle.Retry.Set(u, clock.GetUtcNow()).SetProperty(s => s.FailureReason, (string?)null));
        }
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }

    /// <summary>The story and kind of a job, from its method and arguments; null for jobs that are not about a
    /// story.</summary>
    public static (Guid StoryId, StoryJobKind Kind)? Identify(Job? job)
    {
        if (job is null || job.Args.Count == 0 || job.Args[0] is not Guid storyId) return null;
        if (job.Type == typeof(StoryStageJob) && job.Args.Count > 1 && job.Args[1] is PipelineStages stage)
            return (storyId, StoryPipeline.KindOf(stage));
        if (job.Type == typeof(PublishJob)) return (storyId, StoryJobKind.Publish);
        if (job.Type == typeof(DeliverJob)) return (storyId, StoryJobKind.Deliver);
        return null;
    }

    private void OnFinalFailure(ApplyStateContext context, Guid storyId, StoryJobKind kind, Exception exception)
    {
        var attempts = context.GetJobParameter<int>("RetryCount", allowStale: true) + 1;
        var cause = exception;
        while (cause.InnerException is not null) cause = cause.InnerException;
        var now = clock.GetUtcNow();
        using var db = contexts.CreateDbContext();
        switch (kind)
        {
            case StoryJobKind.Publish:
                // A book that could not be published stays Complete; the reason shows on the story.
                db.Stories.Where(s => s.Id == storyId).ExecuteUpdate(u => u
                    .SetProperty(s => s.FailureReason,
                        $"Publishing failed after {attempts} attempt(s): {cause.Message}")
                    .SetProperty(s => s.UpdatedAt, now));
                Log.StoryPublishingFailed(logger, cause, storyId);
                break;
            case StoryJobKind.Deliver:
                // The buyer's download page works; what Shopify did not take shows on the story, with Retry.
                DeliverJob.FailedAfterRetriesAsync(db, storyId,
                    $"Delivery failed after {attempts} attempt(s): {cause.Message}", now, CancellationToken.None)
                    .GetAwaiter().GetResult();
                Log.StoryDeliveryFailedAfterAttemptS(logger, cause, storyId, attempts);
                break;
            default:
                var reason = $"{kind} failed after {attempts} attempt(s): {cause.Message}";
                if (reason.Length > 1000) reason = reason[..1000];
                var changed = db.Stories.Where(s => s.Id == storyId).Where(StoryLifecycle.Fail.Allowed)
                    .ExecuteUpdate(u => StoryLifecycle.Fail.Set(u, now).SetProperty(s => s.FailureReason, reason));
                if (changed > 0)
                {
                    metrics.BookFailed(kind.ToString());
                    Log.StoryFailed(logger, cause, storyId, reason);
                }
                break;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Story {StoryId}: publishing failed")]
        public static partial void StoryPublishingFailed(ILogger logger, Exception exception, Guid storyId);

        [LoggerMessage(Level = LogLevel.Error,
            Message = "Story {StoryId}: delivery failed after {Attempts} attempt(s)")]
        public static partial void StoryDeliveryFailedAfterAttemptS(ILogger logger, Exception exception, Guid storyId,
            int attempts);

        [LoggerMessage(Level = LogLevel.Error, Message = "Story {StoryId} failed: {Reason}")]
        public static partial void StoryFailed(ILogger logger, Exception exception, Guid storyId, string reason);
    }
}
