using System.Diagnostics;
using Hangfire.Server;
using StorybookShop.Telemetry;

namespace StorybookShop.Jobs;

/// <summary>
/// Carries the trace across Hangfire: a job created inside a span (a request, or the stage that enqueues the next)
/// records that span's <c>traceparent</c> (<see cref="Jobs.StoryJobs"/> sets it); the job then runs as a child span
/// named for its stage, tagged with story,
/// shop, job and attempt, and its duration goes to <see cref="StoryMetrics"/>. One book is thus one trace: the
/// request, then text, pictures ‖ narration, book, publish and deliver.
/// </summary>
public sealed class JobTracingFilter(StoryMetrics metrics, StoryJobCatalog catalog) : IServerFilter
{
    public const string TraceParent = "traceparent";
    private const string ActivityItem = "storybook.activity";
    private const string StartedItem = "storybook.started";
    private const string JobItem = "storybook.job";

    public void OnPerforming(PerformingContext context)
    {
        context.Items[StartedItem] = Stopwatch.GetTimestamp();
        var job = catalog.Identify(context.BackgroundJob.Job);
        if (job is { } identified)
            context.Items[JobItem] = identified;
        ActivityContext.TryParse(context.GetJobParameter<string>(TraceParent, allowStale: true), null, out var parent);
        var activity = StoryTracing.Source.StartActivity(
            $"job {(job?.Kind.ToString() ?? context.BackgroundJob.Job?.Method.Name)}",
            ActivityKind.Consumer,
            parent
        );
        if (activity is null)
            return;
        activity.SetTag(StoryTracing.JobId, context.BackgroundJob.Id);
        activity.SetTag(StoryTracing.Attempt, context.GetJobParameter<int>("RetryCount", allowStale: true) + 1);
        if (job is { } story)
        {
            activity.SetTag(StoryTracing.StoryId, story.StoryId.ToString());
            activity.SetTag(StoryTracing.Stage, story.Kind.ToString());
        }
        if (context.GetJobParameter<string>(StoryJobs.ShopParameter, allowStale: true) is { Length: > 0 } shop)
            activity.SetTag(StoryTracing.ShopId, shop);
        context.Items[ActivityItem] = activity;
    }

    public void OnPerformed(PerformedContext context)
    {
        var failed = context.Exception is not null && !context.ExceptionHandled;
        if (
            context.Items.TryGetValue(StartedItem, out var started)
            && started is long ticks
            && context.Items.TryGetValue(JobItem, out var item)
            && item is ValueTuple<Guid, StoryJobKind> job
        )
            metrics.StageRan(job.Item2.ToString(), Stopwatch.GetElapsedTime(ticks), !failed);
        if (!context.Items.TryGetValue(ActivityItem, out var span) || span is not Activity activity)
            return;
        if (failed)
            activity.SetStatus(ActivityStatusCode.Error, context.Exception!.GetBaseException().Message);
        activity.Dispose();
    }
}
