using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StorybookShop.Jobs;
using StorybookShop.Rendering;

namespace StorybookShop.Health;

/// <summary>
/// A worker node can render books: Chromium is installed, and when it has been started it is still connected (one
/// that went away is started again by the next render, so that is only Degraded). Web nodes render nothing.
/// </summary>
internal sealed class ChromiumHealthCheck(
    Chromium chromium,
    IOptions<ChromiumOptions> options,
    IOptions<PipelineOptions> pipeline
) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default
    )
    {
        if (!pipeline.Value.IsWorker)
            return Task.FromResult(HealthCheckResult.Healthy("not used on a web node"));
        if (!File.Exists(options.Value.Executable))
            return Task.FromResult(HealthCheckResult.Unhealthy($"not installed at {options.Value.Executable}"));
        return Task.FromResult(
            chromium.State switch
            {
                Chromium.BrowserState.NotStarted => HealthCheckResult.Healthy("installed; starts with the first book"),
                Chromium.BrowserState.Connected => HealthCheckResult.Healthy(
                    chromium.Sandboxed ? "running, sandboxed" : $"running without its sandbox ({chromium.Unsandboxed})"
                ),
                _ => HealthCheckResult.Degraded("went away; the next render starts it again"),
            }
        );
    }
}
