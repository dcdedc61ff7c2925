using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace StorybookShop.Telemetry;

/// <summary>
/// OpenTelemetry when it has somewhere to go: with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set (the standard variables
/// configure the exporter), traces of incoming requests, outgoing HTTP (Shopify, OpenAI, ElevenLabs), Npgsql and one
/// span per pipeline job; metrics of requests, outgoing calls and <see cref="StoryMetrics"/>. Without it nothing is
/// collected (<c>Telemetry:Enabled=true</c> turns collection on without an exporter, as the tests do).
/// </summary>
public static class TelemetryExtensions
{
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<StoryMetrics>();
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!otlp && !builder.Configuration.GetValue<bool>("Telemetry:Enabled"))
            return builder;

        var telemetry = builder
            .Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "storybookshop"))
            .WithTracing(t =>
                t.AddSource(StoryTracing.SourceName)
                    .AddAspNetCoreInstrumentation(o =>
                    {
                        o.Filter = http => !http.Request.Path.StartsWithSegments("/health");
                        // A download token or a dashboard ticket in the path is a bearer secret: never in a span.
                        o.EnrichWithHttpRequest = (activity, request) =>
                        {
                            if (Hosting.BearerPaths.Redact(request.Path) is { } redacted)
                                activity.SetTag("url.path", redacted);
                        };
                    })
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
            )
            .WithMetrics(m =>
                m.AddMeter(StoryMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation()
            );
        if (otlp)
            telemetry.UseOtlpExporter();
        return builder;
    }
}
