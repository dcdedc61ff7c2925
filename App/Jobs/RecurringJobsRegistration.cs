using Hangfire;
using Microsoft.Extensions.Options;

namespace StorybookShop.Jobs;

/// <summary>Registers the recurring jobs when a worker starts (AddOrUpdate: every node may, the last one
/// wins).</summary>
public sealed class RecurringJobsRegistration(IRecurringJobManager recurring,
    IOptions<PipelineOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<Storefront.PreviewPurgeJob>(Storefront.PreviewPurgeJob.RecurringId,
            j => j.RunAsync(CancellationToken.None), "17 * * * *");
        var every = options.Value.ReconcileInterval;
        if (every == TimeSpan.Zero)
        {
            recurring.RemoveIfExists(PipelineReconcilerJob.RecurringId);
            return Task.CompletedTask;
        }
        // A cron with seconds when the interval is under a minute (Hangfire 1.8 reads six-part expressions).
        var cron = every < TimeSpan.FromMinutes(1) ? $"*/{(int)every.TotalSeconds} * * * * *"
            : $"*/{(int)every.TotalMinutes} * * * *";
        recurring.AddOrUpdate<PipelineReconcilerJob>(PipelineReconcilerJob.RecurringId,
            j => j.RunAsync(CancellationToken.None), cron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
