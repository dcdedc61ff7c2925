using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StorybookShop.Data;
using StorybookShop.Telemetry;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Telemetry;

/// <summary>One book is one trace: the request, then each pipeline job as a span with story and shop; metrics count
/// it.</summary>
public sealed class TelemetryTests
{
    [Test]
    public async Task A_book_is_one_trace_with_a_span_per_stage_and_the_metrics_count_it()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        await using var factory = new AppFactory(
            await TestServices.CreateDatabaseAsync("telemetry"),
            new Dictionary<string, string?> { ["Telemetry:Enabled"] = "true" }
        );
        await using var app = factory.WithWebHostBuilder(b =>
            b.ConfigureTestServices(services =>
            {
                services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
                services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));
            })
        );
        using var http = app.CreateClient();

        using var created = await http.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = "Ada",
                ageGroup = "3-5",
                genre = "space",
            }
        );
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var story = await WaitAsync(app.Services, id);
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete));
        // The story turns Complete inside the book job; its span ends (and is exported) when the job returns.
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(20); await Task.Delay(50))
            lock (spans)
                if (spans.Any(a => a.DisplayName == "job Book"))
                    break;
        app.Services.GetRequiredService<TracerProvider>().ForceFlush();
        app.Services.GetRequiredService<MeterProvider>().ForceFlush();

        Activity[] snapshot;
        lock (spans)
            snapshot = [.. spans];
        var request = snapshot.Single(a => a.Kind == ActivityKind.Server && a.DisplayName == "POST /api/stories/");
        var jobs = snapshot
            .Where(a =>
                a.Source.Name == StoryTracing.SourceName && (string?)a.GetTagItem(StoryTracing.StoryId) == id.ToString()
            )
            .ToList();
        Assert.That(
            jobs.Select(j => j.DisplayName),
            Is.SupersetOf(new[] { "job Text", "job Illustrations", "job Narration", "job Book" })
        );
        Assert.That(
            jobs.Select(j => j.TraceId).Distinct(),
            Is.EqualTo(new[] { request.TraceId }),
            "the request and every stage: one trace"
        );
        Assert.That(
            jobs.Select(j => (string?)j.GetTagItem(StoryTracing.ShopId)).Distinct().Single(),
            Is.EqualTo(story.ShopId.ToString())
        );
        var text = jobs.Single(j => j.DisplayName == "job Text");
        Assert.That(
            jobs.Single(j => j.DisplayName == "job Illustrations").ParentSpanId,
            Is.EqualTo(text.SpanId),
            "pictures were enqueued by the text stage"
        );
        Assert.That(
            snapshot.Any(a => a.Source.Name == "Npgsql" && a.ParentSpanId == text.SpanId),
            Is.True,
            "the stage's database commands are its children"
        );

        Assert.That(Sum(metrics, "storybook.books.started"), Is.EqualTo(1));
        Assert.That(Sum(metrics, "storybook.books.completed"), Is.EqualTo(1));
        Assert.That(Sum(metrics, "storybook.books.failed"), Is.Zero);
        var stages = metrics
            .Where(m => m.Name == "storybook.stage.duration")
            .SelectMany(Points)
            .Select(p => Tag(p, "stage"))
            .Distinct()
            .ToList();
        Assert.That(stages, Is.SupersetOf(new[] { "Text", "Illustrations", "Narration", "Book" }));
    }

    [Test]
    public async Task With_an_OTLP_endpoint_set_spans_and_metrics_are_exported_there_over_OTLP_HTTP()
    {
        var received = new System.Collections.Concurrent.ConcurrentBag<(string Path, string? Type, long Length)>();
        await using var collector = LocalServer.Create();
        collector.MapPost("/v1/{signal}", async (Microsoft.AspNetCore.Http.HttpRequest r) =>
        {
            using var body = new MemoryStream();
            await r.Body.CopyToAsync(body);
            received.Add((r.Path, r.ContentType, body.Length));
            return Microsoft.AspNetCore.Http.Results.Ok();
        });
        var endpoint = await LocalServer.StartAsync(collector);
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("otlp"),
            new Dictionary<string, string?>
            {
                ["Pipeline:Roles"] = "web",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            }
        );
        using var http = app.CreateClient();
        using (var response = await http.GetAsync("/api/stories/" + Guid.NewGuid()))
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        Assert.That(app.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000), Is.True);
        Assert.That(app.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000), Is.True);

        Assert.That(
            received.Where(r => r.Path == "/v1/traces" && r.Length > 0).Select(r => r.Type),
            Has.Some.EqualTo("application/x-protobuf")
        );
        Assert.That(received.Any(r => r.Path == "/v1/metrics" && r.Length > 0), Is.True);
    }

    [Test]
    public async Task Without_an_endpoint_nothing_is_collected()
    {
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("no-otel"),
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web" }
        );
        Assert.That(app.Services.GetService<TracerProvider>(), Is.Null);
        Assert.That(app.Services.GetService<MeterProvider>(), Is.Null);
        Assert.That(app.Services.GetService<StoryMetrics>(), Is.Not.Null, "the meters exist for dotnet-counters");
    }

    private static async Task<Story> WaitAsync(IServiceProvider services, Guid id)
    {
        var contexts = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync();
            var story = await db.Stories.AsNoTracking().SingleAsync(s => s.Id == id);
            if (story.Status != StoryStatus.Generating || deadline.Elapsed > TimeSpan.FromSeconds(60))
                return story;
            await Task.Delay(100);
        }
    }

    private static IEnumerable<MetricPoint> Points(Metric metric)
    {
        var points = new List<MetricPoint>();
        foreach (ref readonly var point in metric.GetMetricPoints())
            points.Add(point);
        return points;
    }

    private static long Sum(List<Metric> metrics, string name) =>
        metrics.Where(m => m.Name == name).SelectMany(Points).Sum(p => p.GetSumLong());

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
            if (tag.Key == key)
                return tag.Value?.ToString();
        return null;
    }
}
