using System.ComponentModel;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Jobs;

namespace StorybookShop.Generation;

/// <summary>
/// The safety net, a recurring job: any story still Generating without a live job for its next stage (a request
/// whose enqueue failed after its commit) gets it back. Crashed workers need nothing from it: Hangfire hands their
/// jobs to another node when the sliding invisibility timeout runs out.
/// </summary>
public sealed partial class PipelineReconcilerJob(
    IDbContextFactory<AppDbContext> contexts,
    StoryPipeline pipeline,
    ILogger<PipelineReconcilerJob> logger
)
{
    public const string RecurringId = "pipeline-reconciler";

    /// <summary>Every Pipeline:ReconcileInterval (0: off); a cron with seconds under a minute (Hangfire 1.8 reads
    /// six-part expressions).</summary>
    public static void Schedule(IServiceProvider services, IRecurringJobManager recurring)
    {
        var every = services
            .GetRequiredService<Microsoft.Extensions.Options.IOptions<PipelineOptions>>()
            .Value.ReconcileInterval;
        if (every == TimeSpan.Zero)
        {
            recurring.RemoveIfExists(RecurringId);
            return;
        }
        var cron =
            every < TimeSpan.FromMinutes(1)
                ? $"*/{(int)every.TotalSeconds} * * * * *"
                : $"*/{(int)every.TotalMinutes} * * * *";
        recurring.AddOrUpdate<PipelineReconcilerJob>(RecurringId, j => j.RunAsync(CancellationToken.None), cron);
    }

    [DisplayName("Reconcile generating stories")]
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        List<Guid> ids;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            ids = await db
                .Stories.Where(s => s.Status == StoryStatus.Generating)
                .OrderBy(s => s.UpdatedAt)
                .Select(s => s.Id)
                .Take(500)
                .ToListAsync(cancellationToken);
        var enqueued = 0;
        foreach (var id in ids)
            enqueued += await pipeline.AdvanceAsync(id, cancellationToken);
        if (enqueued > 0)
            Log.StageJobsReconciled(logger, enqueued);
        return enqueued;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciler enqueued {Count} stage job(s)")]
        public static partial void StageJobsReconciled(ILogger logger, int count);
    }
}
