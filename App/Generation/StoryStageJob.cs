using Microsoft.EntityFrameworkCore;
using Quartz;
using StorybookShop.Data;

namespace StorybookShop.Generation;

/// <summary>One stage of one story. Stages skip work whose output exists, so a retry or a recovery after a crash resumes.</summary>
public interface IPipelineStage
{
    PipelineStages Stage { get; }
    Task RunAsync(Guid storyId, CancellationToken ct);
}

[DisallowConcurrentExecution]
public sealed class StoryStageJob(IEnumerable<IPipelineStage> stages, StoryPipeline pipeline, IDbContextFactory<AppDbContext> contexts, ILogger<StoryStageJob> logger) : IJob
{
    public const string StoryIdKey = "storyId";
    public const string StageKey = "stage";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var storyId = Guid.Parse(context.MergedJobDataMap.GetString(StoryIdKey)!);
        var stage = Enum.Parse<PipelineStages>(context.MergedJobDataMap.GetString(StageKey)!);
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var status = await db.Stories.Where(s => s.Id == storyId).Select(s => (StoryStatus?)s.Status).SingleOrDefaultAsync(cancellationToken);
            if (status != StoryStatus.Generating)
            {
                logger.LogInformation("Story {StoryId} is {Status}; {Stage} has nothing to do", storyId, status?.ToString() ?? "gone", stage);
                return;
            }
        }
        logger.LogInformation("Story {StoryId}: {Stage} starting (attempt {Attempt}{Recovering})", storyId, stage, context.RetryAttempt + 1, context.Recovering ? ", recovering" : "");
        await stages.Single(s => s.Stage == stage).RunAsync(storyId, cancellationToken);
        await pipeline.AdvanceAsync(storyId, cancellationToken);
    }
}

/// <summary>When a stage has failed its last attempt, the story goes to Error with the reason.</summary>
public sealed class StageFailureListener(IDbContextFactory<AppDbContext> contexts, TimeProvider clock, ILogger<StageFailureListener> logger) : IJobListener
{
    public string Name => nameof(StageFailureListener);

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public async ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        if (jobException is null || context.RetryScheduled) return;
        if (!Guid.TryParse(context.MergedJobDataMap.GetString(StoryStageJob.StoryIdKey), out var storyId)) return;
        var stage = context.MergedJobDataMap.GetString(StoryStageJob.StageKey);
        var cause = jobException.InnerException ?? jobException;
        var reason = $"{stage} failed after {context.RetryAttempt + 1} attempt(s): {cause.Message}";
        if (reason.Length > 1000) reason = reason[..1000];
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var changed = await db.Stories.Where(s => s.Id == storyId && s.Status == StoryStatus.Generating)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, StoryStatus.Error).SetProperty(s => s.FailureReason, reason).SetProperty(s => s.UpdatedAt, now), cancellationToken);
        if (changed > 0) logger.LogError(cause, "Story {StoryId} failed: {Reason}", storyId, reason);
    }
}

/// <summary>
/// The safety net: any story still Generating without a live trigger for its next stage (a crash between
/// our commit and Quartz's, a continuation parked by recovery) gets it back.
/// </summary>
[DisallowConcurrentExecution]
public sealed class PipelineReconcilerJob(IDbContextFactory<AppDbContext> contexts, StoryPipeline pipeline, ILogger<PipelineReconcilerJob> logger) : IJob
{
    public static readonly JobKey Key = new("pipeline-reconciler", "system");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var scheduled = await ReconcileAsync(contexts, pipeline, cancellationToken);
        if (scheduled > 0) logger.LogWarning("Reconciler re-enqueued {Count} stage job(s)", scheduled);
        context.Result = scheduled;
    }

    public static async Task<int> ReconcileAsync(IDbContextFactory<AppDbContext> contexts, StoryPipeline pipeline, CancellationToken ct)
    {
        List<Guid> ids;
        await using (var db = await contexts.CreateDbContextAsync(ct))
            ids = await db.Stories.Where(s => s.Status == StoryStatus.Generating).OrderBy(s => s.UpdatedAt).Select(s => s.Id).Take(500).ToListAsync(ct);
        var scheduled = 0;
        foreach (var id in ids) scheduled += await pipeline.AdvanceAsync(id, ct);
        return scheduled;
    }
}
