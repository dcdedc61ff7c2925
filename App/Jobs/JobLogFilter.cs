using Hangfire.Server;

namespace StorybookShop.Jobs;

/// <summary>Opens a log capture around each job run and appends what was written to the job's <c>Log</c>
/// parameter.</summary>
public sealed partial class JobLogFilter(TimeProvider clock, ILogger<JobLogFilter> logger) : IServerFilter
{
    public void OnPerforming(PerformingContext context)
    {
        var log = new JobLog();
        var attempt = context.GetJobParameter<int>("RetryCount", allowStale: true) + 1;
        log.Add($"{clock.GetUtcNow():yyyy-MM-dd HH:mm:ss} — attempt {attempt}");
        JobLog.Current = log;
    }

    public void OnPerformed(PerformedContext context)
    {
        var log = JobLog.Current;
        JobLog.Current = null;
        if (log is null)
            return;
        if (context.Exception is { } e && !context.ExceptionHandled)
            log.Add($"failed: {e.GetBaseException().Message}");
        try
        {
            Save(context, log);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // The log is for the dashboard: losing it must never fail the job.
            Log.JobLogNotKept(logger, error, context.BackgroundJob.Id);
        }
    }

    private static void Save(PerformedContext context, JobLog log)
    {
        var earlier = context.Connection.GetJobParameter(context.BackgroundJob.Id, JobLog.Parameter);
        var lines = JobLog.Read(earlier);
        lines.AddRange(log.Lines);
        if (lines.Count > JobLog.MaxLines)
            lines.RemoveRange(0, lines.Count - JobLog.MaxLines);
        context.SetJobParameter(JobLog.Parameter, string.Join('\n', lines.Select(l => l.Replace('\n', ' '))));
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep job {JobId}'s log")]
        public static partial void JobLogNotKept(ILogger logger, Exception exception, string jobId);
    }
}
