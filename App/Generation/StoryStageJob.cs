using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Jobs;

namespace StorybookShop.Generation;

/// <summary>One stage of one story, as a Hangfire job. Stages skip work whose output exists, so a retry or a takeover
/// after a crash resumes.</summary>
public sealed partial class StoryStageJob(
    IEnumerable<IPipelineStage> stages,
    StoryPipeline pipeline,
    IDbContextFactory<AppDbContext> contexts,
    Telemetry.StoryMetrics metrics,
    TimeProvider clock,
    ILogger<StoryStageJob> logger
)
{
    [Jobs.StoryJobName("{1} · story {0}")]
    public async Task RunAsync(Guid storyId, PipelineStages stage, CancellationToken cancellationToken)
    {
        // The story is loaded once, here, and handed to the stage.
        Story? story;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            story = await db
                .Stories.AsNoTracking()
                .Include(s => s.Pages)
                .Include(s => s.Shop)
                .SingleOrDefaultAsync(s => s.Id == storyId, cancellationToken);
        if (story?.Status != StoryStatus.Generating)
        {
            Log.StageSkipped(logger, storyId, story?.Status, stage);
            return;
        }
        // The story row decides: a stage requeued by hand before its dependencies are done waits for them; the one
        // finishing last enqueues it again.
        var missing = StoryPipeline.Dependencies(stage) & ~story.StagesDone;
        if (missing != PipelineStages.None)
        {
            Log.StageWaitsForItsDependencies(logger, storyId, stage, missing);
            return;
        }
        Log.StageStarted(logger, storyId, stage);
        try
        {
            await stages.Single(s => s.Stage == stage).RunAsync(story, cancellationToken);
        }
        catch (Exception e) when (IsPermanent(e))
        {
            // The provider refused the request itself (400/401/403/404/422): asking again gets the same answer
            // and costs money. The story stops here with the reason.
            if (
                await StoryErrors.MarkErrorAsync(
                    contexts,
                    storyId,
                    $"{stage} failed and was not retried: {e.Message}",
                    clock.GetUtcNow(),
                    cancellationToken
                )
            )
                metrics.BookFailed(stage.ToString());
            // Refused pages leave the sibling stage's work worth finishing (it is kept for the regeneration);
            // any other permanent failure ends the story, so its other stages are removed.
            if (e is not PagesFailedException)
                await pipeline.CancelAsync(storyId, except: stage, ct: cancellationToken);
            Log.StageFailedForGood(logger, e, storyId, stage);
            return;
        }
        Log.StageDone(logger, storyId, stage);
        await pipeline.AdvanceAsync(storyId, cancellationToken);
    }

    /// <summary>What a stage's last failed attempt does: the story stops in Error with the reason.</summary>
    public static Action<IServiceProvider, Guid, int, Exception> FailedForGood(PipelineStages stage) =>
        (services, storyId, attempts, cause) =>
        {
            var reason = $"{StoryPipeline.KindOf(stage)} failed after {attempts} attempt(s): {cause.Message}";
            if (reason.Length > 1000)
                reason = reason[..1000];
            using var db = services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            if (
                db.Stories.Where(s => s.Id == storyId)
                    .Where(StoryLifecycle.Fail.Allowed)
                    .ExecuteUpdate(u => StoryLifecycle.Fail.Set(u, now).SetProperty(s => s.FailureReason, reason)) > 0
            )
                services
                    .GetRequiredService<Telemetry.StoryMetrics>()
                    .BookFailed(StoryPipeline.KindOf(stage).ToString());
        };

    /// <summary>A failed stage requeued from the dashboard: the story goes back to making itself.</summary>
    public static void Requeued(IServiceProvider services, Guid storyId)
    {
        using var db = services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
        db.Stories.Where(s => s.Id == storyId)
            .Where(StoryLifecycle.Retry.Allowed)
            .ExecuteUpdate(u =>
                StoryLifecycle
                    .Retry.Set(u, services.GetRequiredService<TimeProvider>().GetUtcNow())
                    .SetProperty(s => s.FailureReason, (string?)null)
            );
    }

    /// <summary>What a provider refused (or a result the pipeline cannot use) is permanent; timeouts, 429 and 5xx are
    /// worth another attempt. Providers speak for their SDKs (<see cref="ProviderRefusedException"/>).</summary>
    public static bool IsPermanent(Exception e) =>
        e switch
        {
            ProviderRefusedException or GeneratedContentRejectedException or PagesFailedException => true,
            AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsPermanent),
            _ => false,
        };

    private static partial class Log
    {
        [LoggerMessage(
            Level = LogLevel.Information,
            Message = "Story {StoryId} is {Status} (empty: gone); {Stage} has nothing to do"
        )]
        public static partial void StageSkipped(
            ILogger logger,
            Guid storyId,
            StoryStatus? status,
            PipelineStages stage
        );

        [LoggerMessage(
            Level = LogLevel.Information,
            Message = "Story {StoryId}: {Stage} ran before {Missing} finished; it will be enqueued again"
        )]
        public static partial void StageWaitsForItsDependencies(
            ILogger logger,
            Guid storyId,
            PipelineStages stage,
            PipelineStages missing
        );

        [LoggerMessage(Level = LogLevel.Information, Message = "Story {StoryId}: {Stage} starting")]
        public static partial void StageStarted(ILogger logger, Guid storyId, PipelineStages stage);

        [LoggerMessage(Level = LogLevel.Error, Message = "Story {StoryId}: {Stage} failed permanently")]
        public static partial void StageFailedForGood(
            ILogger logger,
            Exception exception,
            Guid storyId,
            PipelineStages stage
        );

        [LoggerMessage(Level = LogLevel.Information, Message = "Story {StoryId}: {Stage} done")]
        public static partial void StageDone(ILogger logger, Guid storyId, PipelineStages stage);
    }
}
