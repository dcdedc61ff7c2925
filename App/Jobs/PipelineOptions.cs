namespace StorybookShop.Jobs;

/// <summary>The job engine's settings (section <c>Pipeline</c>); the defaults are the ones measured in README's Jobs
/// section.</summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>"web", "worker" or "web,worker" (default): a worker node runs jobs; a web-only node only enqueues
    /// them.</summary>
    public string Roles { get; set; } = "web,worker";
    public int WorkerThreads { get; set; } = 8;

    /// <summary>Retries after the first attempt (Hangfire's AutomaticRetry attempts).</summary>
    public int RetryAttempts { get; set; } = 4;
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the reconciler looks for Generating stories without a live job (a cron with seconds); 0 turns
    /// it off.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Fallback poll of the queue; long polling (NOTIFY) starts jobs at once, this only bounds a missed
    /// notification.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Sliding: a live worker keeps extending it; a killed node's job is taken over after about this
    /// long.</summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>A lock row left by a killed process blocks its job this long at most (Hangfire's default is 10
    /// minutes).</summary>
    public TimeSpan DistributedLockTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Scheduled jobs (retries) are moved to the queue this often: retry delays round up to it.</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long finished jobs stay visible in the dashboard.</summary>
    public TimeSpan JobRetention { get; set; } = TimeSpan.FromDays(7);

    public bool IsWorker =>
        Roles.Split(',', StringSplitOptions.TrimEntries).Contains("worker", StringComparer.OrdinalIgnoreCase);

    /// <summary>Exponential backoff for attempt <paramref name="retry"/> (1-based), capped.</summary>
    public int RetryDelaySeconds(long retry) =>
        (int)
            Math.Ceiling(
                Math.Min(
                    RetryMaxDelay.TotalSeconds,
                    RetryInitialDelay.TotalSeconds * Math.Pow(2, Math.Max(0, retry - 1))
                )
            );
}
