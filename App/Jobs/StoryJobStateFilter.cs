using Hangfire.States;
using Hangfire.Storage;

namespace StorybookShop.Jobs;

/// <summary>
/// What a story job's state changes mean, in one filter: the final failure of a job and the requeue of a failed one
/// are handed to the feature that registered its kind (<see cref="StoryJobDefinition"/>); and each shop's
/// succeeded/failed counters feed its dashboard's graphs (Hangfire's own history expires with the jobs). Hangfire
/// applies FailedState only after the last retry.
/// </summary>
public sealed partial class StoryJobStateFilter(
    StoryJobCatalog catalog,
    IServiceProvider services,
    TimeProvider clock,
    ILogger<StoryJobStateFilter> logger
) : IApplyStateFilter
{
    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        if (catalog.Identify(context.BackgroundJob.Job) is not { } job)
            return;
        if (
            context.NewState is SucceededState or FailedState
            && context.GetJobParameter<string>(StoryJobs.ShopParameter, allowStale: true) is { Length: > 0 } shop
        )
            ShopStatistics.Count(transaction, shop, context.NewState.Name, clock.GetUtcNow().UtcDateTime);

        var definition = catalog[job.Kind];
        if (context.NewState is FailedState failed)
        {
            var attempts = context.GetJobParameter<int>("RetryCount", allowStale: true) + 1;
            var cause = failed.Exception;
            while (cause.InnerException is not null)
                cause = cause.InnerException;
            Log.StoryJobFailedForGood(logger, cause, job.StoryId, job.Kind, attempts);
            definition.Failed?.Invoke(services, job.StoryId, attempts, cause);
        }
        else if (context.NewState is EnqueuedState && context.OldStateName == FailedState.StateName)
            definition.Requeued?.Invoke(services, job.StoryId);
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction) { }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Story {StoryId}: {Kind} failed after {Attempts} attempt(s)")]
        public static partial void StoryJobFailedForGood(
            ILogger logger,
            Exception exception,
            Guid storyId,
            StoryJobKind kind,
            int attempts
        );
    }
}
