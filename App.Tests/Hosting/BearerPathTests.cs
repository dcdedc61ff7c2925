using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using StorybookShop.Data;
using StorybookShop.Stories;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Hosting;

/// <summary>
/// The two bearer secrets that travel in URL paths — a buyer's download token and a merchant's dashboard ticket —
/// never reach a span or a log line, and the ticket lives only while its page is open.
/// </summary>
public sealed class BearerPathTests
{
    /// <summary>Every log line the app writes, at every level.</summary>
    private sealed class CaptureLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose() { }

        private sealed class Logger(CaptureLogs sink, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(
                LogLevel logLevel,
                EventId eventId,
                TState state,
                Exception? exception,
                Func<TState, Exception?, string> formatter
            ) => sink.Lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {state}");
        }
    }

    private static async Task<string> DeliveryTokenAsync(AppFactory app)
    {
        var story = await app.AddStoryAsync(
            new PersonalizationRequest("Ada", "3-5", "space", null, null, null),
            start: false
        );
        var token = "tok_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await using var db = app.Db();
        var shop = db.Stories.Single(s => s.Id == story).ShopId;
        db.Deliveries.Add(
            new Delivery
            {
                Id = Guid.NewGuid(),
                ShopId = shop,
                StoryId = story,
                OrderId = "1",
                LineItemId = "1",
                Token = token,
                CreatedAt = DateTimeOffset.UtcNow,
                ExpiresAt = DateTimeOffset.UtcNow.AddDays(1),
            }
        );
        await db.SaveChangesAsync();
        return token;
    }

    [Test]
    public async Task Download_tokens_and_dashboard_tickets_reach_no_span_and_no_log_line()
    {
        var spans = new List<Activity>();
        var logs = new CaptureLogs();
        await using var factory = new AppFactory(
            await TestServices.CreateDatabaseAsync("bearer"),
            new Dictionary<string, string?>
            {
                ["Pipeline:Roles"] = "web",
                ["Telemetry:Enabled"] = "true",
                // An operator who turns every log up to the most verbose level.
                ["Logging:LogLevel:Default"] = "Trace",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
                ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
            }
        );
        await using var app = factory.WithWebHostBuilder(b =>
            b.ConfigureTestServices(services =>
            {
                services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
                services.AddSingleton<ILoggerProvider>(logs);
            })
        );
        var token = await DeliveryTokenAsync(factory);
        using var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        Assert.That((await http.GetAsync($"/downloads/{token}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await http.GetAsync($"/downloads/{token}/read")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var jobs = await http.GetAsync("/jobs"); // the dev shop's admin (Development, no token)
        Assert.That(jobs.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var dashboard = jobs.Headers.Location!.OriginalString;
        var ticket = dashboard.Split('/')[2];
        Assert.That(ticket, Has.Length.GreaterThan(40));
        Assert.That((await http.GetAsync(dashboard)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await http.GetAsync(dashboard + "jobs/succeeded")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        app.Services.GetRequiredService<TracerProvider>().ForceFlush();

        Activity[] server;
        lock (spans)
            server = [.. spans.Where(s => s.Kind == ActivityKind.Server)];
        Assert.That(server, Has.Length.GreaterThanOrEqualTo(5));
        foreach (var span in server)
        {
            var recorded = string.Join(' ', span.TagObjects.Select(t => $"{t.Key}={t.Value}")) + " " + span.DisplayName;
            Assert.That(recorded, Does.Not.Contain(token).And.Not.Contain(ticket), recorded);
        }
        Assert.That(
            server.Select(s => (string?)s.GetTagItem("url.path")),
            Does.Contain("/downloads/{redacted}")
                .And.Contain("/downloads/{redacted}/read")
                .And.Contain("/jobs-dashboard/{redacted}/jobs/succeeded")
        );
        var lines = logs.Lines.ToList();
        Assert.That(lines, Is.Not.Empty);
        Assert.That(
            lines.Where(l =>
                l.Contains(token, StringComparison.Ordinal) || l.Contains(ticket, StringComparison.Ordinal)
            ),
            Is.Empty,
            "no log line holds a bearer secret"
        );
    }

    [Test]
    public async Task A_dashboard_ticket_lives_while_its_page_polls_and_dies_soon_after_it_closes()
    {
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("ticket"),
            new Dictionary<string, string?>
            {
                ["Pipeline:Roles"] = "web",
                ["Dashboard:TicketIdleLifetime"] = "00:00:03",
                ["Dashboard:TicketMaxLifetime"] = "00:00:12",
            }
        );
        using var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var dashboard = (await http.GetAsync("/jobs")).Headers.Location!.OriginalString;

        // The open page polls its stats every two seconds: 7 s of polling outlives the 3 s idle lifetime.
        var until = DateTime.UtcNow.AddSeconds(7);
        while (DateTime.UtcNow < until)
        {
            Assert.That(
                (
                    await http.PostAsync(
                        dashboard + "stats",
                        new FormUrlEncodedContent([new("metrics[]", "succeeded:count")])
                    )
                ).StatusCode,
                Is.EqualTo(HttpStatusCode.OK),
                "renewed while open"
            );
            await Task.Delay(1500);
        }
        // The page closes: nothing renews it.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.That(
            (await http.GetAsync(dashboard)).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized),
            "idle past its lifetime"
        );

        // However busy, a ticket ends at its maximum.
        var busy = (await http.GetAsync("/jobs")).Headers.Location!.OriginalString;
        var stop = DateTime.UtcNow.AddSeconds(14);
        var last = HttpStatusCode.OK;
        while (DateTime.UtcNow < stop && last == HttpStatusCode.OK)
        {
            last = (await http.GetAsync(busy)).StatusCode;
            await Task.Delay(1000);
        }
        Assert.That(last, Is.EqualTo(HttpStatusCode.Unauthorized), "the maximum lifetime holds");
    }
}
