using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Quartz;
using Quartz.Extensibility;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Shopify;
using StorybookShop.Stories;
using static StorybookShop.Admin.AdminUi;

namespace StorybookShop.Admin;

public sealed class OperatorOptions
{
    public const string Section = "Operator";
    /// <summary>Both set: the all-shops jobs view at /ops/jobs behind HTTP Basic authentication. Either empty: it does not exist.</summary>
    public string Username { get; set; } = "";
    public string Password { get; set; } = "";
    public bool Enabled => Username.Length > 0 && Password.Length > 0;
}

/// <summary>
/// The jobs dashboard (Hangfire's, for many shops): a job is one stage of one story. Current states come from
/// Quartz's triggers and our story rows; runs, exceptions, captured log lines, nodes and timings come from
/// Quartz's execution history; the cluster's nodes from its check-ins. A merchant sees only the jobs of their
/// shop's stories; the operator view (all shops) needs separate credentials and is off unless configured.
/// </summary>
public static class JobsDashboard
{
    public static readonly string[] States = ["scheduled", "processing", "retrying", "failed", "succeeded"];
    private const int ListSize = 20;

    public sealed record JobRow(Guid StoryId, string Stage, string State, string? ShopDomain, string? StoryTitle, DateTimeOffset? When, int Attempts, string? Error);

    public sealed record Snapshot(Dictionary<string, int> Counts, List<JobRow> Jobs, List<(DateTimeOffset Hour, int Succeeded, int Failed)> Hours, List<ClusterNode> Nodes);

    public static WebApplication MapJobsDashboard(this WebApplication app)
    {
        app.MapGet("/jobs", async (HttpContext http, string? state, int? page, CancellationToken ct) =>
        {
            var (ctx, redirect) = await AuthenticateAsync(http, ct);
            if (ctx is null) return redirect!;
            var snapshot = await LoadAsync(http.RequestServices, ctx.Shop.Id, ct);
            return Page(http, ctx, "Jobs", "/jobs", Render(snapshot, state, page ?? 1, (p, q) => ctx.Link(p, q), showShop: false, actions: true));
        }).ExcludeFromDescription();
        app.MapGet("/jobs/{storyId:guid}/{stage}", async (Guid storyId, string stage, HttpContext http, CancellationToken ct) =>
        {
            var (ctx, redirect) = await AuthenticateAsync(http, ct);
            if (ctx is null) return redirect!;
            var body = await JobPageAsync(http.RequestServices, ctx.Shop.Id, storyId, stage, p => ctx.Link(p), actions: true, ct);
            return body is null ? Results.NotFound() : Page(http, ctx, $"{Cap(stage)} · job", "/jobs", body);
        }).ExcludeFromDescription();

        var api = app.MapAdminGroup("/api/jobs", "Jobs");
        api.MapGet("/", async (HttpContext http, AppDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var shop = await CurrentShop.GetAsync(http, db, clock, ct);
            var s = await LoadAsync(http.RequestServices, shop.Id, ct);
            return TypedResults.Ok(new { counts = s.Counts, jobs = s.Jobs, hours = s.Hours.Select(h => new { hour = h.Hour, succeeded = h.Succeeded, failed = h.Failed }), nodes = s.Nodes });
        });
        api.MapPost("/{storyId:guid}/{stage}/retry", RetryAsync);
        api.MapPost("/{storyId:guid}/{stage}/cancel", CancelAsync);
        api.MapDelete("/{storyId:guid}/{stage}", DeleteAsync);

        // The operator's view of every shop: HTTP Basic with Operator:Username/Password, absent unless both are set.
        app.MapGet("/ops/jobs", async (HttpContext http, string? state, int? page, CancellationToken ct) =>
        {
            if (OperatorCheck(http) is { } refused) return refused;
            var snapshot = await LoadAsync(http.RequestServices, null, ct);
            return Results.Content(OpsPage("Jobs · all shops", Render(snapshot, state, page ?? 1, OpsLink, showShop: true, actions: false)), "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        app.MapGet("/ops/jobs/{storyId:guid}/{stage}", async (Guid storyId, string stage, HttpContext http, CancellationToken ct) =>
        {
            if (OperatorCheck(http) is { } refused) return refused;
            var body = await JobPageAsync(http.RequestServices, null, storyId, stage, p => OpsLink(p, null), actions: false, ct);
            return body is null ? Results.NotFound() : Results.Content(OpsPage($"{Cap(stage)} · job", body), "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        return app;
    }

    private static string OpsLink(string path, IDictionary<string, string?>? query) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/ops" + path, (query ?? new Dictionary<string, string?>()).Where(kv => !string.IsNullOrEmpty(kv.Value)));

    private static IResult? OperatorCheck(HttpContext http)
    {
        var o = http.RequestServices.GetRequiredService<IConfiguration>().GetSection(OperatorOptions.Section).Get<OperatorOptions>() ?? new OperatorOptions();
        if (!o.Enabled) return Results.NotFound();
        if (AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var h) && h.Scheme == "Basic" && h.Parameter is not null)
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(h.Parameter)).Split(':', 2);
                if (pair.Length == 2 && Same(pair[0], o.Username) & Same(pair[1], o.Password)) return null;
            }
            catch (FormatException) { }
        }
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"StorybookShop operators\", charset=\"UTF-8\"";
        return Results.Problem(statusCode: 401, title: "Operator credentials are required.");

        static bool Same(string a, string b) => CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
    }

    private static string OpsPage(string title, string body) => $"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>{E(title)}</title>
        <link rel="stylesheet" href="data:text/css,"><style>body{"{"}font-family:sans-serif;margin:1.5rem{"}"} table{"{"}border-collapse:collapse;width:100%{"}"} td,th{"{"}border-bottom:1px solid #ddd;padding:.4rem;text-align:left{"}"}</style></head>
        <body><h1>{E(title)}</h1>{body}</body></html>
        """;

    private static string Cap(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    /// <summary>Everything the dashboard shows for one shop (or every shop when <paramref name="shopId"/> is null).</summary>
    public static async Task<Snapshot> LoadAsync(IServiceProvider services, Guid? shopId, CancellationToken ct)
    {
        var clock = services.GetRequiredService<TimeProvider>();
        var now = clock.GetUtcNow();
        var since = now.AddHours(-24);
        var scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler(ct);
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct);
        var stories = await db.Stories.AsNoTracking()
            .Where(s => shopId == null || s.ShopId == shopId)
            .Where(s => s.Status == StoryStatus.Generating || s.Status == StoryStatus.Error || s.UpdatedAt >= since)
            .OrderByDescending(s => s.UpdatedAt).Take(2000)
            .Select(s => new { s.Id, s.Title, s.ChildName, s.Status, s.StagesDone, s.FailureReason, s.UpdatedAt, Shop = s.Shop!.Domain })
            .ToListAsync(ct);
        var byId = stories.ToDictionary(s => s.Id.ToString("N"));

        // Runs in the last day, from Quartz's execution history, kept to this shop's story jobs.
        var history = await HistoryAsync(services, scheduler, since, ct);
        var runs = history.Where(h => h.JobGroup == StoryPipeline.Group && byId.ContainsKey(StoryOf(h.JobName))).ToList();

        var jobs = new List<JobRow>();
        foreach (var s in stories.Where(s => s.Status == StoryStatus.Generating))
        {
            foreach (var stage in StoryPipeline.Order.Where(st => !s.StagesDone.HasFlag(st)))
            {
                var key = StoryPipeline.TriggerKeyFor(s.Id, stage);
                var triggerState = await scheduler.GetTriggerState(key, ct);
                if (triggerState is TriggerState.None or TriggerState.Complete) continue;
                var trigger = await scheduler.GetTrigger(key, ct);
                var jobRuns = runs.Where(r => r.JobName == StoryPipeline.JobKeyFor(s.Id, stage).Name).OrderBy(r => r.FiredAtUtc).ToList();
                var last = jobRuns.LastOrDefault();
                var state = triggerState == TriggerState.Executing ? "processing"
                    : last is { Succeeded: false, RetryScheduled: true } ? "retrying" : "scheduled";
                jobs.Add(new JobRow(s.Id, stage.ToString(), state, s.Shop, s.Title ?? s.ChildName,
                    state == "processing" ? last?.FiredAtUtc ?? trigger?.PreviousFireTimeUtc : trigger?.NextFireTimeUtc, jobRuns.Count, last?.ExceptionMessage));
            }
        }
        foreach (var s in stories.Where(s => s.Status == StoryStatus.Error))
        {
            var stage = StoryPipeline.Order.FirstOrDefault(st => !s.StagesDone.HasFlag(st));
            if (stage == PipelineStages.None) continue;
            var attempts = runs.Count(r => r.JobName == StoryPipeline.JobKeyFor(s.Id, stage).Name);
            jobs.Add(new JobRow(s.Id, stage.ToString(), "failed", s.Shop, s.Title ?? s.ChildName, s.UpdatedAt, attempts, s.FailureReason));
        }
        foreach (var r in runs.Where(r => r.Succeeded).OrderByDescending(r => r.FiredAtUtc))
        {
            var s = byId[StoryOf(r.JobName)];
            jobs.Add(new JobRow(s.Id, r.JobName[33..], "succeeded", s.Shop, s.Title ?? s.ChildName, r.FiredAtUtc + r.Duration, r.RetryAttempt + 1, null));
        }

        var hours = Enumerable.Range(0, 24).Select(i =>
        {
            var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(i - 23);
            var inHour = runs.Where(r => r.FiredAtUtc >= start && r.FiredAtUtc < start.AddHours(1)).ToList();
            return (start, inHour.Count(r => r.Succeeded), inHour.Count(r => !r.Succeeded));
        }).ToList();
        var counts = States.ToDictionary(s => s, s => jobs.Count(j => j.State == s));
        return new Snapshot(counts, jobs, hours, await scheduler.QueryClusterNodes(ct));
    }

    private static string StoryOf(string jobName) => jobName.Length > 32 ? jobName[..32] : jobName;

    /// <summary>Runs since <paramref name="since"/>, of one job when <paramref name="job"/> is given (the store filters, not us).</summary>
    private static async Task<List<ExecutionHistoryEntry>> HistoryAsync(IServiceProvider services, IScheduler scheduler, DateTimeOffset since, CancellationToken ct, JobKey? job = null)
    {
        var store = services.GetService<IExecutionHistoryStore>();
        if (store is null) return [];
        var page = await store.QueryExecutions(new ExecutionHistoryQuery { SchedulerName = scheduler.SchedulerName, FiredFrom = since, Job = job, Take = job is null ? 5000 : 200 }, ct);
        return page.Items.ToList();
    }

    private static string Render(Snapshot s, string? state, int page, Func<string, IDictionary<string, string?>?, string> link, bool showShop, bool actions)
    {
        var current = state is not null && States.Contains(state) ? state : "failed";
        state = current;
        var b = new StringBuilder("<div class=\"card\"><div class=\"grid\" id=\"counters\">");
        foreach (var st in States)
            b.Append(CultureInfo.InvariantCulture, $"<a class=\"counter\" data-state=\"{st}\" href=\"{E(link("/jobs", new Dictionary<string, string?> { ["state"] = st }))}\"><div class=\"muted\">{Cap(st)}</div><div class=\"stat\">{s.Counts[st]}</div></a>");
        b.Append("</div></div>");

        // Succeeded and failed runs per hour over the last day, as a small bar chart.
        var max = Math.Max(1, s.Hours.Max(h => h.Succeeded + h.Failed));
        b.Append("<div class=\"card\"><h2>Runs per hour, last 24 hours</h2><svg class=\"chart\" id=\"chart\" viewBox=\"0 0 480 120\" width=\"100%\" role=\"img\" aria-label=\"Succeeded and failed runs per hour\">");
        for (var i = 0; i < s.Hours.Count; i++)
        {
            var (hour, ok, bad) = s.Hours[i];
            var okH = 100.0 * ok / max;
            var badH = 100.0 * bad / max;
            b.Append(CultureInfo.InvariantCulture, $"<g><title>{hour:HH}:00 — {ok} succeeded, {bad} failed</title>");
            b.Append(CultureInfo.InvariantCulture, $"<rect class=\"ok\" x=\"{i * 20 + 2}\" y=\"{105 - okH:0.#}\" width=\"16\" height=\"{okH:0.#}\" data-hour=\"{hour:HH}\" data-count=\"{ok}\"/>");
            b.Append(CultureInfo.InvariantCulture, $"<rect class=\"bad\" x=\"{i * 20 + 2}\" y=\"{105 - okH - badH:0.#}\" width=\"16\" height=\"{badH:0.#}\" data-hour=\"{hour:HH}\" data-count=\"{bad}\"/></g>");
            if (i % 6 == 0) b.Append(CultureInfo.InvariantCulture, $"<text x=\"{i * 20 + 2}\" y=\"118\" font-size=\"9\" fill=\"#616161\">{hour:HH}:00</text>");
        }
        b.Append("</svg><span class=\"muted\">■ succeeded (green) ■ failed (red)</span></div>");

        var list = s.Jobs.Where(j => j.State == state).ToList();
        page = Math.Max(1, page);
        b.Append(CultureInfo.InvariantCulture, $"<div class=\"card\"><h2>{Cap(state)} ({list.Count})</h2><table id=\"jobs\"><thead><tr><th>Job</th>{(showShop ? "<th>Shop</th>" : "")}<th>Story</th><th>State</th><th>When</th><th>Attempts</th><th>Last error</th>{(actions ? "<th></th>" : "")}</tr></thead><tbody>");
        foreach (var j in list.Skip((page - 1) * ListSize).Take(ListSize))
        {
            var api = $"/api/jobs/{j.StoryId}/{j.Stage}";
            b.Append(CultureInfo.InvariantCulture, $"""
                <tr data-job="{j.StoryId}/{j.Stage}"><td><a href="{E(link($"/jobs/{j.StoryId}/{j.Stage}", null))}">{E(j.Stage)}</a></td>{(showShop ? $"<td>{E(j.ShopDomain)}</td>" : "")}
                <td>{E(j.StoryTitle)}</td><td>{Badge(Cap(j.State))}</td><td>{j.When:yyyy-MM-dd HH:mm:ss}</td><td>{j.Attempts}</td><td class="error">{E(Short(j.Error))}</td>
                """);
            if (actions)
            {
                b.Append("<td>");
                if (j.State is "failed" or "retrying" or "scheduled") b.Append($"<button data-action=\"{api}/retry\" data-done=\"Queued to run now\">Retry now</button> ");
                if (j.State is "retrying" or "scheduled") b.Append($"<button class=\"secondary\" data-action=\"{api}/cancel\" data-confirm=\"Stop making this book?\" data-done=\"Cancelled\">Cancel</button> ");
                if (j.State is not "processing" and not "succeeded") b.Append($"<button class=\"critical\" data-method=\"DELETE\" data-action=\"{api}\" data-confirm=\"Delete this job and archive its story?\" data-done=\"Deleted\">Delete</button>");
                b.Append("</td>");
            }
            b.Append("</tr>");
        }
        if (list.Count == 0) b.Append($"<tr><td colspan=\"8\" class=\"muted\">No {state} jobs.</td></tr>");
        b.Append("</tbody></table>");
        b.Append(StoryPages.Pager(link, "/jobs", page, list.Count, new Dictionary<string, string?> { ["state"] = state }, ListSize));
        b.Append("</div>");

        b.Append("<div class=\"card\"><h2>Nodes</h2><table id=\"nodes\"><thead><tr><th>Node</th><th>State</th><th>Last check-in</th><th>Interval</th></tr></thead><tbody>");
        foreach (var n in s.Nodes)
            b.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(n.InstanceId)}{(n.IsCurrentNode ? " <span class=\"muted\">(this node)</span>" : "")}</td><td>{Badge(n.State.ToString())}</td><td>{n.LastCheckInUtc:yyyy-MM-dd HH:mm:ss}</td><td>{n.CheckInInterval?.TotalSeconds:0} s</td></tr>");
        b.Append("</tbody></table></div>");
        return b.ToString();
    }

    private static string? Short(string? s) => s is null ? null : s.Length > 160 ? s[..160] + "…" : s;

    private static async Task<string?> JobPageAsync(IServiceProvider services, Guid? shopId, Guid storyId, string stageName, Func<string, string> link, bool actions, CancellationToken ct)
    {
        if (!Enum.TryParse<PipelineStages>(stageName, ignoreCase: true, out var stage) || !StoryPipeline.Order.Contains(stage)) return null;
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct);
        var story = await db.Stories.AsNoTracking().Include(s => s.Shop).SingleOrDefaultAsync(s => s.Id == storyId && (shopId == null || s.ShopId == shopId), ct);
        if (story is null) return null;
        var scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler(ct);
        var key = StoryPipeline.TriggerKeyFor(storyId, stage);
        var triggerState = await scheduler.GetTriggerState(key, ct);
        var trigger = await scheduler.GetTrigger(key, ct);
        var runs = (await HistoryAsync(services, scheduler, DateTimeOffset.UtcNow.AddDays(-30), ct, StoryPipeline.JobKeyFor(storyId, stage))).OrderBy(r => r.FiredAtUtc).ToList();
        // A listing leaves out the captured log lines; each run is read back whole for them.
        if (services.GetService<IExecutionHistoryStore>() is { } store)
            for (var i = 0; i < runs.Count; i++)
                if (string.IsNullOrEmpty(runs[i].Log) && runs[i].EntryId is { } entry && await store.GetExecution(scheduler.SchedulerName, entry, ct) is { } full)
                    runs[i] = full;
        var api = $"/api/jobs/{storyId}/{stage}";
        var b = new StringBuilder("<div class=\"card\"><div class=\"grid\">");
        b.Append(CultureInfo.InvariantCulture, $"""
            <div><div class="muted">Story</div><div><a href="{E(link($"/stories/{storyId}"))}">{E(story.Title ?? story.ChildName)}</a> · {Badge(story.Status.ToString())}</div></div>
            <div><div class="muted">Stage</div><div>{stage}{(story.StagesDone.HasFlag(stage) ? " · done" : "")}</div></div>
            <div><div class="muted">Trigger</div><div id="trigger-state">{triggerState}</div></div>
            <div><div class="muted">Next run</div><div>{trigger?.NextFireTimeUtc:yyyy-MM-dd HH:mm:ss}</div></div>
            <div><div class="muted">Attempts (30 days)</div><div class="stat">{runs.Count}</div></div>
            </div>
            """);
        if (story.FailureReason is not null && story.Status == StoryStatus.Error) b.Append($"<p class=\"error\">{E(story.FailureReason)}</p>");
        if (actions && !story.StagesDone.HasFlag(stage) && story.Status is StoryStatus.Error or StoryStatus.Generating && triggerState != TriggerState.Executing)
            b.Append($"<p><button data-action=\"{api}/retry\" data-done=\"Queued to run now\" id=\"retry-now\">Retry now</button> <button class=\"secondary\" data-action=\"{api}/cancel\" data-confirm=\"Stop making this book?\" data-done=\"Cancelled\">Cancel</button></p>");
        b.Append("</div><div class=\"card\"><h2>Runs</h2><table id=\"runs\"><thead><tr><th>Fired</th><th>Attempt</th><th>Node</th><th>Duration</th><th>Result</th></tr></thead><tbody>");
        foreach (var r in runs)
        {
            b.Append(CultureInfo.InvariantCulture, $"""
                <tr><td>{r.FiredAtUtc:yyyy-MM-dd HH:mm:ss}</td><td>{r.RetryAttempt + 1}{(r.RetryScheduled ? " (retry scheduled)" : "")}</td><td>{E(r.SchedulerInstanceId)}</td>
                <td>{r.Duration.TotalSeconds:0.00} s</td><td>{(r.Succeeded ? Badge("Succeeded") : Badge("Failed") + $" <span class=\"error\">{E(r.ExceptionMessage)}</span>")}</td></tr>
                """);
            if (!string.IsNullOrEmpty(r.Log)) b.Append($"<tr><td colspan=\"5\"><details><summary>Log ({r.Log.Split('\n').Length} lines)</summary><pre>{E(r.Log)}</pre></details></td></tr>");
        }
        if (runs.Count == 0) b.Append("<tr><td colspan=\"5\" class=\"muted\">No runs recorded yet.</td></tr>");
        b.Append("</tbody></table></div>");
        return b.ToString();
    }

    /// <summary>Run the job now: a failed story goes back into the pipeline; a waiting trigger is moved to now, keeping its retry policy.</summary>
    private static async Task<Results<Accepted, NotFound, ProblemHttpResult>> RetryAsync(Guid storyId, string stage, HttpContext http, AppDbContext db, StoryPipeline pipeline,
        ISchedulerFactory schedulers, Budget budget, TimeProvider clock, CancellationToken ct)
    {
        var (story, st) = await FindAsync(storyId, stage, http, db, clock, ct);
        if (story is null) return TypedResults.NotFound();
        if (story.Status == StoryStatus.Error)
        {
            var result = await StoryActions.RetryAsync(storyId, db, pipeline, budget, clock, http, ct);
            return result.Result is ProblemHttpResult p ? p : TypedResults.Accepted($"/api/stories/{storyId}");
        }
        var scheduler = await schedulers.GetScheduler(ct);
        var key = StoryPipeline.TriggerKeyFor(storyId, st);
        var trigger = await scheduler.GetTrigger(key, ct);
        var state = await scheduler.GetTriggerState(key, ct);
        if (trigger is null || state == TriggerState.Executing)
            return TypedResults.Problem(statusCode: 409, title: state == TriggerState.Executing ? "The job is running now." : "The job is not waiting to run.");
        var o = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<PipelineOptions>>().Value;
        await scheduler.RescheduleJob(key, TriggerBuilder.Create().WithIdentity(key).ForJob(trigger.JobKey).StartNow()
            .WithRetryPolicy(RetryPolicy.Exponential(o.RetryAttempts, o.RetryInitialDelay, 2.0, o.RetryMaxDelay, 0.25)).Build(), ct);
        return TypedResults.Accepted($"/api/stories/{storyId}");
    }

    /// <summary>Stop making the book: its pending jobs are removed and the story goes to Error ("stopped"), from where it can be retried.</summary>
    private static async Task<Results<Ok, NotFound>> CancelAsync(Guid storyId, string stage, HttpContext http, AppDbContext db, StoryPipeline pipeline, TimeProvider clock, CancellationToken ct)
    {
        var (story, _) = await FindAsync(storyId, stage, http, db, clock, ct);
        if (story is null) return TypedResults.NotFound();
        await pipeline.CancelAsync(storyId, ct: ct);
        await StageFailureListener.MarkErrorAsync(http.RequestServices.GetRequiredService<IDbContextFactory<AppDbContext>>(), storyId, "Stopped by the merchant.", clock.GetUtcNow(), ct);
        return TypedResults.Ok();
    }

    /// <summary>Delete the job: its story's jobs are removed and the story archived, so it leaves the dashboard.</summary>
    private static async Task<Results<Ok, NotFound, ProblemHttpResult>> DeleteAsync(Guid storyId, string stage, HttpContext http, AppDbContext db, StoryPipeline pipeline, TimeProvider clock, CancellationToken ct)
    {
        var (story, _) = await FindAsync(storyId, stage, http, db, clock, ct);
        if (story is null) return TypedResults.NotFound();
        var result = await StoryActions.ArchiveAsync(storyId, db, pipeline, clock, http, ct);
        return result.Result is ProblemHttpResult p ? p : TypedResults.Ok();
    }

    private static async Task<(Story? Story, PipelineStages Stage)> FindAsync(Guid storyId, string stage, HttpContext http, AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (!Enum.TryParse<PipelineStages>(stage, ignoreCase: true, out var st) || !StoryPipeline.Order.Contains(st)) return (null, st);
        var shop = await CurrentShop.GetAsync(http, db, clock, ct);
        return (await db.Stories.AsNoTracking().SingleOrDefaultAsync(s => s.Id == storyId && s.ShopId == shop.Id, ct), st);
    }
}
