using System.Diagnostics.Metrics;

namespace StorybookShop.Telemetry;

/// <summary>
/// What the business watches: books started, completed and failed; how long each stage takes; what providers cost;
/// how long the webhook intake takes to answer Shopify. Created through <see cref="IMeterFactory"/> (one meter per
/// app), readable by OpenTelemetry or <c>dotnet-counters monitor --counters StorybookShop</c>.
/// </summary>
public sealed class StoryMetrics
{
    public const string MeterName = "StorybookShop";

    private readonly Counter<long> _started;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _stage;
    private readonly Counter<double> _cost;
    private readonly Histogram<double> _webhook;

    public StoryMetrics(IMeterFactory meters)
    {
#pragma warning disable CA2000 // the meter belongs to the factory, which disposes it with the container
        var meter = meters.Create(MeterName);
#pragma warning restore CA2000
        _started = meter.CreateCounter<long>(
            "storybook.books.started",
            "{book}",
            "Books whose text stage was enqueued from the start"
        );
        _completed = meter.CreateCounter<long>("storybook.books.completed", "{book}", "Books laid out and complete");
        _failed = meter.CreateCounter<long>("storybook.books.failed", "{book}", "Books stopped in Error");
        _stage = meter.CreateHistogram<double>(
            "storybook.stage.duration",
            "s",
            "One run of a pipeline job",
            advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
            }
        );
        _cost = meter.CreateCounter<double>(
            "storybook.provider.cost",
            "USD",
            "What provider calls cost, by provider and kind"
        );
        _webhook = meter.CreateHistogram<double>(
            "storybook.webhook.intake.duration",
            "ms",
            "Receiving, verifying and storing one webhook",
            advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 250, 500, 1000],
            }
        );
    }

    public void BookStarted() => _started.Add(1);

    public void BookCompleted() => _completed.Add(1);

    public void BookFailed(string stage) => _failed.Add(1, new KeyValuePair<string, object?>("stage", stage));

    public void StageRan(string stage, TimeSpan took, bool succeeded) =>
        _stage.Record(
            took.TotalSeconds,
            new KeyValuePair<string, object?>("stage", stage),
            new KeyValuePair<string, object?>("outcome", succeeded ? "success" : "failure")
        );

    public void ProviderCost(string provider, string kind, decimal usd)
    {
        if (usd > 0)
            _cost.Add(
                (double)usd,
                new KeyValuePair<string, object?>("provider", provider),
                new KeyValuePair<string, object?>("kind", kind)
            );
    }

    public void WebhookReceived(string topic, TimeSpan took, int status) =>
        _webhook.Record(
            took.TotalMilliseconds,
            new KeyValuePair<string, object?>("topic", topic),
            new KeyValuePair<string, object?>("status", status)
        );
}
