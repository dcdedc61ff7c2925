using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;
using StorybookShop.Data;

namespace StorybookShop.Generation;

public sealed class PipelineOptions
{
    public const string Section = "Pipeline";
    /// <summary>"web", "worker" or "web,worker" (default): a worker node runs jobs; a web-only node only schedules them.</summary>
    public string Roles { get; set; } = "web,worker";
    public int WorkerThreads { get; set; } = 8;
    public int RetryAttempts { get; set; } = 4;
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(1);

    public bool IsWorker => Roles.Split(',', StringSplitOptions.TrimEntries).Contains("worker", StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// Decides which of a story's stage jobs should exist and schedules the missing ones, in one atomic
/// ScheduleJobs call. The stages form a small graph — text, then illustrations and narration side by
/// side, then the book — so a stage whose one unfinished dependency has a live trigger is scheduled as
/// a continuation of it, and a stage whose dependencies are done is scheduled now. The story row is the
/// source of truth; this method is safe to call at any time, from any node, as often as you like.
/// </summary>
public sealed class StoryPipeline(ISchedulerFactory schedulers, NpgsqlDataSource dataSource, IOptions<PipelineOptions> options, ILogger<StoryPipeline> logger)
{
    public const string Group = "stories";
    public static readonly PipelineStages[] Order = [PipelineStages.Text, PipelineStages.Illustrations, PipelineStages.Narration, PipelineStages.Book];

    public static PipelineStages Dependencies(PipelineStages stage) => stage switch
    {
        PipelineStages.Text => PipelineStages.None,
        PipelineStages.Illustrations or PipelineStages.Narration => PipelineStages.Text,
        _ => PipelineStages.Illustrations | PipelineStages.Narration,
    };

    public static JobKey JobKeyFor(Guid storyId, PipelineStages stage) => new($"{storyId:N}.{stage}", Group);
    public static TriggerKey TriggerKeyFor(Guid storyId, PipelineStages stage) => new($"{storyId:N}.{stage}", Group);

    private static bool IsLive(TriggerState state) =>
        state is TriggerState.Normal or TriggerState.Blocked or TriggerState.Executing or TriggerState.Awaiting or TriggerState.Paused;

    /// <summary>Schedules whatever the story still needs; returns how many stage jobs it scheduled.</summary>
    public async Task<int> AdvanceAsync(Guid storyId, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // One Advance per story at a time across all nodes: two finishing stages must not both add the book.
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@k)", conn, tx))
        {
            lockCmd.Parameters.AddWithValue("k", LockKey(storyId));
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        PipelineStages done;
        bool released;
        await using (var read = new NpgsqlCommand("SELECT status, stages_done, released FROM stories WHERE id = @id", conn, tx))
        {
            read.Parameters.AddWithValue("id", storyId);
            await using var reader = await read.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct) || reader.GetString(0) != nameof(StoryStatus.Generating)) return 0;
            done = (PipelineStages)reader.GetInt32(1);
            released = reader.GetBoolean(2);
        }

        var scheduler = await schedulers.GetScheduler(ct);
        var live = new Dictionary<PipelineStages, TriggerKey>();
        var batch = new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>>();
        var o = options.Value;
        foreach (var stage in Order)
        {
            if (done.HasFlag(stage)) continue;
            // A preview waiting for payment gets its text and first pictures only; the rest comes on release.
            if (!released && stage is PipelineStages.Narration or PipelineStages.Book) continue;
            var key = TriggerKeyFor(storyId, stage);
            var pending = Order.Where(d => Dependencies(stage).HasFlag(d) && d != PipelineStages.None && !done.HasFlag(d)).ToList();
            var state = await scheduler.GetTriggerState(key, ct);
            // A continuation still awaiting a parent whose work is already done (its job was removed while it ran,
            // e.g. by a sibling's permanent failure) would wait forever: it is replaced by one that starts now.
            if (IsLive(state) && !(state == TriggerState.Awaiting && pending.Count == 0))
            {
                live[stage] = key;
                continue;
            }

            TriggerKey? after = null;
            if (pending.Count == 1 && live.TryGetValue(pending[0], out var parent)) after = parent;
            else if (pending.Count > 0) continue; // the last dependency to finish will schedule it

            var job = JobBuilder.Create<StoryStageJob>()
                .WithIdentity(JobKeyFor(storyId, stage))
                .WithDescription($"{stage} for story {storyId}")
                .UsingJobData(StoryStageJob.StoryIdKey, storyId.ToString())
                .UsingJobData(StoryStageJob.StageKey, stage.ToString())
                .RequestRecovery() // without it a job killed mid-run is silently dropped
                .Build();
            var trigger = TriggerBuilder.Create()
                .WithIdentity(key)
                .ForJob(job)
                .WithRetryPolicy(RetryPolicy.Exponential(o.RetryAttempts, o.RetryInitialDelay, 2.0, o.RetryMaxDelay, 0.25));
            trigger = after is null ? trigger.StartNow() : trigger.StartAfter(after, ContinuationCondition.OnSuccess);
            batch[job] = [trigger.Build()];
            live[stage] = key;
        }

        if (batch.Count > 0)
        {
            await scheduler.ScheduleJobs(batch, new ScheduleJobOptions { Replace = true }, ct);
            logger.LogInformation("Story {StoryId}: scheduled {Stages}", storyId, string.Join(", ", batch.Keys.Select(j => j.Key.Name[33..])));
        }
        await tx.CommitAsync(ct);
        return batch.Count;
    }

    /// <summary>
    /// Advance after a request committed the story: the row is the truth, so if scheduling fails now the
    /// reconciler schedules it within a minute; the request still succeeds.
    /// </summary>
    public async Task TryAdvanceAsync(Guid storyId, CancellationToken ct = default)
    {
        try { await AdvanceAsync(storyId, ct); }
        catch (Exception e) when (e is not OperationCanceledException) { logger.LogError(e, "Could not schedule story {StoryId} yet; the reconciler will", storyId); }
    }

    /// <summary>Stops a story's pending work (archive, uninstall, redact); <paramref name="except"/> is the stage calling it.</summary>
    public async Task CancelAsync(Guid storyId, PipelineStages except = PipelineStages.None, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.DeleteJobs(Order.Where(s => s != except).Select(s => JobKeyFor(storyId, s)).ToList(), ct);
    }

    private static long LockKey(Guid storyId) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.ASCII.GetBytes("story-pipeline:" + storyId.ToString("N"))), 0);
}
