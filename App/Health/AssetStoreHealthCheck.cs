using Microsoft.Extensions.Diagnostics.HealthChecks;
using StorybookShop.Storage;

namespace StorybookShop.Health;

/// <summary>The asset store answers a lookup (S3: a HEAD request to the bucket; local: the disk).</summary>
internal sealed class AssetStoreHealthCheck(IAssetStore assets) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default
    )
    {
        await assets.ExistsAsync("health/probe", cancellationToken);
        return HealthCheckResult.Healthy(assets.GetType().Name);
    }
}
