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
            var row = await db.Stories.Where(s => s.Id == storyId).Select(s => new { s.Status, s.StagesDone }).SingleOrDefaultAsync(cancellationToken);
            if (row?.Status != StoryStatus.Generating)
            {
                logger.LogInformation("Story {StoryId} is {Status}; {Stage} has nothing to do", storyId, row?.Status.ToString() ?? "gone", stage);
                return;
            }
            // The story row decides, not the trigger: a continuation can fire after a parent that ended without
            // finishing its work (refused pages) and the story was restarted meanwhile. Then this stage waits for
            // its dependencies; the one finishing last schedules it again.
            var missing = StoryPipeline.Dependencies(stage) & ~row.StagesDone;
            if (missing != PipelineStages.None)
            {
                logger.LogInformation("Story {StoryId}: {Stage} fired before {Missing} finished; it will be scheduled again", storyId, stage, missing);
                await pipeline.AdvanceAsync(storyId, cancellationToken);
                return;
            }
        }
        logger.LogInformation("Story {StoryId}: {Stage} starting (attempt {Attempt}{Recovering})", storyId, stage, context.RetryAttempt + 1, context.Recovering ? ", recovering" : "");
        try
        {
            await stages.Single(s => s.Stage == stage).RunAsync(storyId, cancellationToken);
        }
        catch (Exception e) when (IsPermanent(e))
        {
            // The provider refused the request itself (400/401/403/404/422): asking again gets the same answer
            // and costs money. The story stops here with the reason; its other stages are removed.
            await StageFailureListener.MarkErrorAsync(contexts, storyId, $"{stage} failed and was not retried: {e.Message}", DateTimeOffset.UtcNow, cancellationToken);
            // Refused pages leave the sibling stage's work worth finishing (it is kept for the regeneration);
            // any other permanent failure ends the story, so its other stages are removed.
            if (e is not PagesFailedException) await pipeline.CancelAsync(storyId, except: stage, ct: cancellationToken);
            logger.LogError(e, "Story {StoryId}: {Stage} failed permanently", storyId, stage);
            return;
        }
        await pipeline.AdvanceAsync(storyId, cancellationToken);
    }

    /// <summary>Client errors from a provider are permanent; timeouts, 429 and 5xx are worth another attempt.</summary>
    public static bool IsPermanent(Exception e) => e switch
    {
        System.ClientModel.ClientResultException { Status: 400 or 401 or 403 or 404 or 422 } => true,
        HttpRequestException { StatusCode: System.Net.HttpStatusCode.BadRequest or System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden
            or System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.UnprocessableEntity } => true,
        GeneratedContentRejectedException or PagesFailedException => true,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsPermanent),
        _ => false,
    };
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
        // Quartz wraps what the stage threw ("Job threw an unhandled exception"): the reason is the innermost message.
        Exception cause = jobException;
        while (cause.InnerException is not null) cause = cause.InnerException;
        if (context.JobDetail.Key.Group == Publishing.PublishJob.Group)
        {
            // A book that could not be published stays Complete; the reason shows on the story.
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await db.Stories.Where(s => s.Id == storyId).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.FailureReason, $"Publishing failed after {context.RetryAttempt + 1} attempt(s): {cause.Message}").SetProperty(s => s.UpdatedAt, clock.GetUtcNow()), cancellationToken);
            logger.LogError(cause, "Story {StoryId}: publishing failed", storyId);
            return;
        }
        var reason = $"{stage} failed after {context.RetryAttempt + 1} attempt(s): {cause.Message}";
        if (await MarkErrorAsync(contexts, storyId, reason, clock.GetUtcNow(), cancellationToken))
            logger.LogError(cause, "Story {StoryId} failed: {Reason}", storyId, reason);
    }

    /// <summary>Puts a story that is still Generating into Error with the reason; false if it already left Generating.</summary>
    public static async Task<bool> MarkErrorAsync(IDbContextFactory<AppDbContext> contexts, Guid storyId, string reason, DateTimeOffset now, CancellationToken ct)
    {
        if (reason.Length > 1000) reason = reason[..1000];
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Stories.Where(s => s.Id == storyId && s.Status == StoryStatus.Generating)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, StoryStatus.Error).SetProperty(s => s.FailureReason, reason).SetProperty(s => s.UpdatedAt, now), ct) > 0;
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

/// <summary>One-off jobs about one story (publish, deliver): at most one per story and group, retried with the pipeline's backoff, recovered after a crash.</summary>
public static class StoryJobs
{
    public static async Task ScheduleAsync<TJob>(ISchedulerFactory schedulers, string group, Guid storyId, PipelineOptions o, CancellationToken ct) where TJob : IJob
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var job = JobBuilder.Create<TJob>().WithIdentity(new JobKey(storyId.ToString("N"), group)).WithDescription($"{group} story {storyId}")
            .UsingJobData(StoryStageJob.StoryIdKey, storyId.ToString()).RequestRecovery().Build();
        var trigger = TriggerBuilder.Create().WithIdentity(new TriggerKey(storyId.ToString("N"), group)).ForJob(job).StartNow()
            .WithRetryPolicy(RetryPolicy.Exponential(o.RetryAttempts, o.RetryInitialDelay, 2.0, o.RetryMaxDelay, 0.25)).Build();
        await scheduler.ScheduleJobs(new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>> { [job] = [trigger] }, new ScheduleJobOptions { Replace = true }, ct);
    }
}
