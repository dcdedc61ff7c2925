using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StorybookShop.Jobs;

namespace StorybookShop.Health;

/// <summary>Hangfire's storage answers; on a worker node this node's Hangfire server is also registered in
/// it.</summary>
internal sealed class JobStorageHealthCheck(JobStorage storage, IOptions<PipelineOptions> pipeline) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default
    )
    {
        var servers = storage.GetMonitoringApi().Servers();
        if (!pipeline.Value.IsWorker)
            return Task.FromResult(HealthCheckResult.Healthy("reachable (web node)"));
        var here = $"{Environment.MachineName}:{Environment.ProcessId}"; // JobsExtensions names servers so
        return Task.FromResult(
            servers.Any(s => s.Name.StartsWith(here, StringComparison.OrdinalIgnoreCase))
                ? HealthCheckResult.Healthy($"reachable; {servers.Count} server(s), this node's among them")
                : HealthCheckResult.Degraded(
                    "reachable, but this worker node's Hangfire server has not registered (yet)"
                )
        );
    }
}
