using System.Security.Cryptography;
using System.Text;
using System.Transactions;
using Hangfire;
using Hangfire.States;
using Npgsql;

namespace StorybookShop.Jobs;

/// <summary>
/// The one way domain code runs work in the background: jobs about one story, enqueued under the story's lock
/// and recorded in <c>story_jobs</c> (job → story → shop) in the same transaction as Hangfire's own rows, so
/// a crash leaves either both or neither. The record answers "is this story's X job still live?" and scopes
/// each merchant's dashboard to their own jobs.
/// </summary>
public sealed partial class StoryJobs(
    NpgsqlDataSource dataSource,
    IBackgroundJobClientV2 client,
    StoryJobCatalog catalog,
    HangfireTables tables,
    ILogger<StoryJobs> logger
)
{
    public const string ShopParameter = "ShopId";
    public const string StoryParameter = "StoryId";

    /// <summary>Chooses, on the open connection and under the story's lock, which jobs to enqueue given the latest job
    /// state per kind.</summary>
    public delegate Task<IReadOnlyCollection<StoryJobKind>> Decide(
        NpgsqlConnection connection,
        IReadOnlyDictionary<StoryJobKind, string> latest,
        CancellationToken ct
    );

    /// <summary>Test seam: runs after Hangfire wrote the jobs and before the transaction commits (a crash
    /// there).</summary>
    internal Action? AfterEnqueue { get; set; }

    /// <summary>A job that has not ended yet: it will run, or is running, or is waiting for its retry.</summary>
    public static bool IsLive(string? state) => state is not null && LiveStates.Contains(state);

    /// <summary>A job that has not started yet: anything recorded now will still be seen by it.</summary>
    public static bool IsPending(string? state) => IsLive(state) && state != ProcessingState.StateName;

    /// <summary>
    /// Runs <paramref name="decide"/> under the story's advisory lock and enqueues what it returns, all in one
    /// transaction shared with Hangfire. Returns what was enqueued; nothing for a story that does not exist.
    /// </summary>
    /// <summary>Whether the story's latest job of this kind is waiting or running.</summary>
    public async Task<bool> IsLiveAsync(Guid storyId, StoryJobKind kind, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await LatestAsync(conn, storyId, ct)).TryGetValue(kind, out var state) && IsLive(state);
    }

    public async Task<IReadOnlyCollection<StoryJobKind>> EnqueueAsync(Guid storyId, Decide decide, CancellationToken ct)
    {
        using var scope = new TransactionScope(
            TransactionScopeOption.Required,
            new TransactionOptions { IsolationLevel = IsolationLevel.ReadCommitted },
            TransactionScopeAsyncFlowOption.Enabled
        );
        IReadOnlyCollection<StoryJobKind> wanted;
        Guid shopId;
        // The app's connection is closed before Hangfire is called: Hangfire then gets the same physical connection,
        // enlisted in the same local transaction (two open at once would need a prepared transaction).
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        {
            await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@k)", conn))
            {
                lockCmd.Parameters.AddWithValue("k", LockKey(storyId));
                await lockCmd.ExecuteNonQueryAsync(ct);
            }
            await using (var shop = new NpgsqlCommand("SELECT shop_id FROM stories WHERE id = @id", conn))
            {
                shop.Parameters.AddWithValue("id", storyId);
                if (await shop.ExecuteScalarAsync(ct) is not Guid id)
                    return [];
                shopId = id;
            }
            wanted = await decide(conn, await LatestAsync(conn, storyId, ct), ct);
        }
        if (wanted.Count == 0)
        {
            scope.Complete();
            return wanted;
        }

        var created = new List<(long JobId, StoryJobKind Kind)>();
        foreach (var kind in wanted)
        {
            var parameters = new Dictionary<string, object>
            {
                [ShopParameter] = shopId.ToString(),
                [StoryParameter] = storyId.ToString(),
            };
            // The job continues the trace of whatever enqueued it (a request, or the stage before).
            if (System.Diagnostics.Activity.Current?.Id is { } trace)
                parameters[JobTracingFilter.TraceParent] = trace;
            created.Add(
                (
                    long.Parse(
                        client.Create(catalog.Create(kind, storyId), new EnqueuedState(), parameters),
                        System.Globalization.CultureInfo.InvariantCulture
                    ),
                    kind
                )
            );
        }
        AfterEnqueue?.Invoke();
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        await using (
            var record = new NpgsqlCommand(
                """
                INSERT INTO story_jobs (job_id, story_id, shop_id, kind)
                SELECT j, @story, @shop, k FROM unnest(@jobs, @kinds) AS t(j, k)
                """,
                conn
            )
        )
        {
            record.Parameters.AddWithValue("story", storyId);
            record.Parameters.AddWithValue("shop", shopId);
            record.Parameters.AddWithValue("jobs", created.Select(c => c.JobId).ToArray());
            record.Parameters.AddWithValue("kinds", created.Select(c => c.Kind.ToString()).ToArray());
            await record.ExecuteNonQueryAsync(ct);
        }
        scope.Complete();
        return wanted;
    }

    /// <summary>Enqueues a one-off job (publish, deliver) unless one of that kind is still waiting to start.</summary>
    public Task<IReadOnlyCollection<StoryJobKind>> EnqueueOnceAsync(
        Guid storyId,
        StoryJobKind kind,
        CancellationToken ct
    ) =>
        EnqueueAsync(
            storyId,
            (_, latest, _) =>
                Task.FromResult<IReadOnlyCollection<StoryJobKind>>(
                    latest.TryGetValue(kind, out var state) && IsPending(state) ? [] : [kind]
                ),
            ct
        );

    /// <summary>Deletes a story's live jobs (archive, uninstall, redact); a running one is cancelled by
    /// Hangfire.</summary>
    public async Task CancelAsync(Guid storyId, StoryJobKind? except = null, CancellationToken ct = default)
    {
        var live = (await tables.StoryJobsInStatesAsync(storyId, LiveStates, ct)).Select(j =>
            (j.JobId, Kind: Enum.Parse<StoryJobKind>(j.Kind))
        );
        foreach (var (jobId, kind) in live.Where(j => j.Kind != except))
        {
            client.Delete(jobId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Log.StoryJobDeleted(logger, storyId, kind, jobId);
        }
    }

    private static readonly string[] LiveStates =
    [
        EnqueuedState.StateName,
        ScheduledState.StateName,
        ProcessingState.StateName,
        AwaitingState.StateName,
    ];

    private static async Task<Dictionary<StoryJobKind, string>> LatestAsync(
        NpgsqlConnection conn,
        Guid storyId,
        CancellationToken ct
    ) =>
        (await HangfireTables.LatestStatePerKindAsync(conn, storyId, ct)).ToDictionary(
            p => Enum.Parse<StoryJobKind>(p.Key),
            p => p.Value
        );

    private static long LockKey(Guid storyId) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.ASCII.GetBytes("story-pipeline:" + storyId.ToString("N"))), 0);

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Story {StoryId}: {Kind} job {JobId} deleted")]
        public static partial void StoryJobDeleted(ILogger logger, Guid storyId, StoryJobKind kind, long jobId);
    }
}
