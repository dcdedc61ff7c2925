using System.Net;
using System.Text;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Jobs;

namespace StorybookShop.Dashboard;

/// <summary>What a story job's page in Hangfire's dashboard adds: the story it works on, and the lines the job
/// logged.</summary>
public static class JobPageSummary
{
    private static int _registered;

    /// <summary>Hangfire keeps job page renderers in a static list: registered once per process.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0) GlobalConfiguration.Configuration.UseJobDetailsRenderer(10,
            Render);
    }

    private static NonEscapedString Render(JobDetailsRendererDto dto)
    {
        if (StoryJobStateFilter.Identify(dto.JobDetails.Job) is not { } job
            || dto.Page.Context is not Hangfire.Dashboard.AspNetCoreDashboardContext { HttpContext: var http }) return new NonEscapedString("");
        using var db = http.RequestServices.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
        var story = db.Stories.AsNoTracking().Where(s => s.Id == job.StoryId)
            .Select(s => new { s.Title, s.ChildName, s.Status, s.StagesDone, s.FailureReason,
                Pages = s.Pages.Count }).SingleOrDefault();
        List<string> log;
        using (var connection = dto.Page.Storage.GetReadOnlyConnection())
            log = JobLog.Read(connection.GetJobParameter(dto.JobId, JobLog.Parameter));

        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var html = new StringBuilder("<div class=\"storybook-summary\"><h3>Story</h3>");
        if (story is null) html.Append("<p>The story no longer exists.</p>");
        else
        {
            html.Append("<dl class=\"dl-horizontal\">");
            html.Append("<dt>Book</dt><dd>").Append(E(story.Title ?? $"A story for {story.ChildName}")).Append("</dd>");
            html.Append("<dt>Story id</dt><dd><code>").Append(E(job.StoryId.ToString())).Append("</code></dd>");
            html.Append("<dt>This job</dt><dd>").Append(E(job.Kind.ToString())).Append("</dd>");
            html.Append("<dt>Status</dt><dd>").Append(E(story.Status.ToString())).Append("</dd>");
            html.Append("<dt>Stages done</dt><dd>").Append(E(story.StagesDone.ToString())).Append("</dd>");
            html.Append("<dt>Pages</dt><dd>").Append(story.Pages).Append("</dd>");
            if (story.FailureReason is not null) html.Append("<dt>Reason</dt><dd>").Append(E(story.FailureReason)).Append("</dd>");
            html.Append("</dl>");
        }
        html.Append("<h3>Log</h3>");
        if (log.Count == 0) html.Append("<p>Nothing logged yet.</p>");
        else html.Append("<pre class=\"storybook-log\">").AppendJoin('\n', log.Select(E)).Append("</pre>");
        return new NonEscapedString(html.Append("</div>").ToString());
    }
}
