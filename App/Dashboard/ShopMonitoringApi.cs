using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Hangfire.Storage.Monitoring;
using StorybookShop.Jobs;

namespace StorybookShop.Dashboard;

/// <summary>
/// The dashboard's counters, lists and graphs for one shop. Lists page through <c>story_jobs</c> (indexed by shop)
/// joined with Hangfire's job table; each row is then read through Hangfire's own connection. Graphs come from the
/// per-shop counters <see cref="StoryJobStateFilter"/> keeps, since finished jobs expire.
/// </summary>
public sealed class ShopMonitoringApi(ShopJobStorage storage) : JobStorageMonitor
{
    private const string Queue = "default";

    public override IList<QueueWithTopEnqueuedJobsDto> Queues()
    {
        var length = Count(EnqueuedState.StateName);
        return length == 0
            ? []
            :
            [
                new QueueWithTopEnqueuedJobsDto
                {
                    Name = Queue,
                    Length = length,
                    Fetched = 0,
                    FirstJobs = EnqueuedJobs(Queue, 0, 5),
                },
            ];
    }

    /// <summary>The cluster's nodes, under aliases: merchants see that work is being done, not where.</summary>
    public override IList<ServerDto> Servers() =>
        storage
            .Inner.GetMonitoringApi()
            .Servers()
            .Select(s => new ServerDto
            {
                Name = ShopJobStorage.Alias(s.Name),
                WorkersCount = s.WorkersCount,
                StartedAt = s.StartedAt,
                Queues = s.Queues,
                Heartbeat = s.Heartbeat,
            })
            .ToList();

    private static readonly HashSet<string> HiddenParameters =
    [
        JobLog.Parameter,
        JobTracingFilter.TraceParent,
        StoryJobs.ShopParameter,
        StoryJobs.StoryParameter,
        "RetryCount",
        "CurrentCulture",
        "CurrentUICulture",
    ];

    public override JobDetailsDto? JobDetails(string jobId)
    {
        if (!storage.Owns(jobId) || storage.Inner.GetMonitoringApi().JobDetails(jobId) is not { } details)
            return null;
        // A merchant sees the job's story (JobPageSummary) and its own log lines, not plumbing: no trace context,
        // shop or story ids, retry counter or culture parameters (the operator's view keeps them all).
        details.Properties = details
            .Properties.Where(p => !HiddenParameters.Contains(p.Key))
            .ToDictionary(p => p.Key, p => p.Value);
        details.History = details
            .History.Select(h => new StateHistoryDto
            {
                StateName = h.StateName,
                Reason = h.Reason,
                CreatedAt = h.CreatedAt,
                Data = Redact(h.Data),
            })
            .ToList();
        return details;
    }

    public override StatisticsDto GetStatistics()
    {
        var counts = storage.Tables.ShopStateCounts(storage.ShopId);
        var shop = storage.ShopId.ToString();
        return new StatisticsDto
        {
            Servers = storage.Inner.GetMonitoringApi().Servers().Count,
            Recurring = 0,
            Enqueued = counts.GetValueOrDefault(EnqueuedState.StateName),
            Queues = counts.GetValueOrDefault(EnqueuedState.StateName) > 0 ? 1 : 0,
            Scheduled = counts.GetValueOrDefault(ScheduledState.StateName),
            Processing = counts.GetValueOrDefault(ProcessingState.StateName),
            Failed = counts.GetValueOrDefault(FailedState.StateName),
            Awaiting = counts.GetValueOrDefault(AwaitingState.StateName),
            Succeeded = Counters([ShopStatistics.Key(shop, SucceededState.StateName)]).Values.Sum(),
            Deleted = counts.GetValueOrDefault(DeletedState.StateName),
            Retries = storage.SetCount("retries"),
        };
    }

    public override JobList<EnqueuedJobDto> EnqueuedJobs(string queue, int from, int perPage) =>
        List(EnqueuedState.StateName, from, perPage, ascending: true, (data, state) => new EnqueuedJobDto
            {
                Job = data.Job,
                LoadException = data.LoadException,
                InvocationData = data.InvocationData,
                State = state?.Name,
                EnqueuedAt = Date(state, "EnqueuedAt"),
                InEnqueuedState = state?.Name == EnqueuedState.StateName,
                StateData = state?.Data,
            });

    public override JobList<FetchedJobDto> FetchedJobs(string queue, int from, int perPage) => new([]);

    public override JobList<ProcessingJobDto> ProcessingJobs(int from, int count) =>
        List(ProcessingState.StateName, from, count, ascending: false, (data, state) => new ProcessingJobDto
            {
                Job = data.Job,
                LoadException = data.LoadException,
                InvocationData = data.InvocationData,
                ServerId = Value(state, "ServerId"),
                StartedAt = Date(state, "StartedAt"),
                InProcessingState = state?.Name == ProcessingState.StateName,
                StateData = state?.Data,
            });

    public override JobList<ScheduledJobDto> ScheduledJobs(int from, int count) =>
        List(ScheduledState.StateName, from, count, ascending: false, (data, state) => new ScheduledJobDto
            {
                Job = data.Job,
                LoadException = data.LoadException,
                InvocationData = data.InvocationData,
                EnqueueAt = Date(state, "EnqueueAt") ?? default,
                ScheduledAt = Date(state, "ScheduledAt"),
                InScheduledState = state?.Name == ScheduledState.StateName,
                StateData = state?.Data,
            });

    public override JobList<SucceededJobDto> SucceededJobs(int from, int count) =>
        List(SucceededState.StateName, from, count, ascending: false, (data, state) => new SucceededJobDto
            {
                Job = data.Job,
                LoadException = data.LoadException,
                InvocationData = data.InvocationData,
                Result = Value(state, "Result"),
                SucceededAt = Date(state, "SucceededAt"),
                TotalDuration = Long(state, "PerformanceDuration") + Long(state, "Latency"),
                InSucceededState = state?.Name == SucceededState.StateName,
                StateData = state?.Data,
            });

    public override JobList<FailedJobDto> FailedJobs(int from, int count) =>
        List(FailedState.StateName, from, count, ascending: false, (data, state) => new FailedJobDto
            {
                Job = data.Job,
                LoadException = data.LoadException,
                InvocationData = data.InvocationData,
                Reason = state?.Reason,
                FailedAt = Date(state, "FailedAt"),
                ExceptionType = Value(state, "ExceptionType"),
                ExceptionMessage = Value(state, "ExceptionMessage"),
                ExceptionDetails = "",
                InFailedState = state?.Name == FailedState.StateName,
                StateData = state?.Data,
            });

    public override JobList<DeletedJobDto> DeletedJobs(int from, int count) =>
        List(DeletedState.StateName, from, count, ascending: false, (data, state) => new DeletedJobDto
            {
                Job = data.Job,
                LoadException = data.LoadException,
                InvocationData = data.InvocationData,
                DeletedAt = Date(state, "DeletedAt"),
                InDeletedState = state?.Name == DeletedState.StateName,
                StateData = state?.Data,
            });

    public override JobList<AwaitingJobDto> AwaitingJobs(int from, int count) =>
        List(AwaitingState.StateName, from, count, ascending: false, (data, state) => new AwaitingJobDto
            {
                Job = data.Job,
                LoadException = data.LoadException,
                InvocationData = data.InvocationData,
                AwaitingAt = Date(state, "CreatedAt"),
                InAwaitingState = state?.Name == AwaitingState.StateName,
                StateData = state?.Data,
            });

    public override long ScheduledCount() => Count(ScheduledState.StateName);

    public override long EnqueuedCount(string queue) => Count(EnqueuedState.StateName);

    public override long FetchedCount(string queue) => 0;

    public override long FailedCount() => Count(FailedState.StateName);

    public override long ProcessingCount() => Count(ProcessingState.StateName);

    public override long SucceededListCount() => Count(SucceededState.StateName);

    public override long DeletedListCount() => Count(DeletedState.StateName);

    public override long AwaitingCount() => Count(AwaitingState.StateName);

    public override IDictionary<DateTime, long> SucceededByDatesCount() => Days(SucceededState.StateName);

    public override IDictionary<DateTime, long> FailedByDatesCount() => Days(FailedState.StateName);

    public override IDictionary<DateTime, long> HourlySucceededJobs() => Hours(SucceededState.StateName);

    public override IDictionary<DateTime, long> HourlyFailedJobs() => Hours(FailedState.StateName);

    /// <summary>State data as merchants see it: no stack traces, no host names.</summary>
    public static Dictionary<string, string> Redact(IDictionary<string, string>? data)
    {
        var copy = new Dictionary<string, string>(data ?? new Dictionary<string, string>());
        copy.Remove("ExceptionDetails");
        if (copy.TryGetValue("ServerId", out var server))
            copy["ServerId"] = ShopJobStorage.Alias(server);
        if (copy.TryGetValue("WorkerId", out _))
            copy.Remove("WorkerId");
        return copy;
    }

    private JobList<T> List<T>(string state, int from, int count, bool ascending, Func<JobData, StateData?, T> map)
    {
        var ids = storage.Tables.ShopJobIds(storage.ShopId, state, from, count, ascending);
        using var connection = storage.GetReadOnlyConnection();
        var rows = new List<KeyValuePair<string, T>>();
        foreach (var id in ids)
            if (connection.GetJobData(id) is { } data)
                rows.Add(new(id, map(data, connection.GetStateData(id))));
        return new JobList<T>(rows);
    }

    private long Count(string state) => storage.Tables.ShopJobCount(storage.ShopId, state);

    private Dictionary<DateTime, long> Days(string state)
    {
        var today = DateTime.UtcNow.Date;
        var days = Enumerable.Range(0, 7).Select(i => today.AddDays(-i)).ToList();
        var keys = days.ToDictionary(d => ShopStatistics.DayKey(storage.ShopId.ToString(), state, d));
        var values = Counters([.. keys.Keys]);
        return keys.ToDictionary(k => k.Value, k => values.GetValueOrDefault(k.Key));
    }

    private Dictionary<DateTime, long> Hours(string state)
    {
        var now = DateTime.UtcNow;
        var hour = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc);
        var keys = Enumerable
            .Range(0, 24)
            .Select(i => hour.AddHours(-i))
            .ToDictionary(h => ShopStatistics.HourKey(storage.ShopId.ToString(), state, h));
        var values = Counters([.. keys.Keys]);
        return keys.ToDictionary(k => k.Value, k => values.GetValueOrDefault(k.Key));
    }

    private Dictionary<string, long> Counters(string[] keys) => storage.Tables.Counters(keys);

    private static DateTime? Date(StateData? state, string key) =>
        state?.Data.TryGetValue(key, out var value) == true ? JobHelper.DeserializeNullableDateTime(value) : null;

    private static string? Value(StateData? state, string key) =>
        state?.Data.TryGetValue(key, out var value) == true ? value : null;

    private static long? Long(StateData? state, string key) =>
        state?.Data.TryGetValue(key, out var value) == true && long.TryParse(value, out var n) ? n : null;
}
