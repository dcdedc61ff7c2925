using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StorybookShop.Health;

/// <summary>
/// <c>/health/live</c>: the process answers (no dependency is checked, so a database outage never gets a healthy
/// node restarted). <c>/health/ready</c>: PostgreSQL, Hangfire's job storage, the asset store and (on worker nodes)
/// Chromium; 503 when any is unhealthy. The answer names each check and its status, never an exception's text.
/// </summary>
public static class HealthExtensions
{
    public const string Ready = "ready";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static WebApplicationBuilder AddHealth(this WebApplicationBuilder builder)
    {
        builder
            .Services.AddHealthChecks()
            .AddNpgSql(name: "postgresql", tags: [Ready], timeout: Timeout)
            .AddCheck<JobStorageHealthCheck>("job-storage", tags: [Ready], timeout: Timeout)
            .AddCheck<AssetStoreHealthCheck>("asset-store", tags: [Ready], timeout: Timeout)
            .AddCheck<ChromiumHealthCheck>("chromium", tags: [Ready], timeout: Timeout);
        return builder;
    }

    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks(
                "/health/live",
                new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }
            )
            .ExcludeFromDescription();
        app.MapHealthChecks(
                "/health/ready",
                new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready), ResponseWriter = WriteAsync }
            )
            .ExcludeFromDescription();
        return app;
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(
            http.Response.Body,
            new
            {
                status = report.Status.ToString(),
                durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
                checks = report.Entries.ToDictionary(
                    e => e.Key,
                    e => new
                    {
                        status = e.Value.Status.ToString(),
                        description = e.Value.Description,
                        durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                    }
                ),
            },
            JsonSerializerOptions.Web,
            http.RequestAborted
        );
    }
}
