using System.Xml.Linq;
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
        if (Interlocked.Exchange(ref _registered, 1) == 0)
            GlobalConfiguration.Configuration.UseJobDetailsRenderer(10, Render);
    }

    private static NonEscapedString Render(JobDetailsRendererDto dto)
    {
        if (
            dto.Page.Context is not Hangfire.Dashboard.AspNetCoreDashboardContext { HttpContext: var http }
            || http.RequestServices.GetRequiredService<StoryJobCatalog>().Identify(dto.JobDetails.Job) is not { } job
        )
            return new NonEscapedString("");
        using var db = http.RequestServices.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
        var story = db
            .Stories.AsNoTracking()
            .Where(s => s.Id == job.StoryId)
            .Select(s => new
            {
                s.Title,
                s.ChildName,
                s.Status,
                s.StagesDone,
                s.FailureReason,
                Pages = s.Pages.Count,
            })
            .SingleOrDefault();
        List<string> log;
        using (var connection = dto.Page.Storage.GetReadOnlyConnection())
            log = JobLog.Read(connection.GetJobParameter(dto.JobId, JobLog.Parameter));
        // A merchant's dashboard shows the app's own lines; the operator's shows the libraries' too.
        if (dto.Page.Storage is ShopJobStorage)
            log = JobLog.ForMerchant(log);

        // Built as elements (escaped by construction); Hangfire's renderer hook is synchronous, so no component
        // renderer.
        var summary = new XElement("div", new XAttribute("class", "storybook-summary"), new XElement("h3", "Story"));
        if (story is null)
            summary.Add(new XElement("p", "The story no longer exists."));
        else
        {
            var facts = new XElement("dl", new XAttribute("class", "dl-horizontal"));
            void Fact(string term, object value) => facts.Add(new XElement("dt", term), new XElement("dd", value));
            Fact("Book", story.Title ?? $"A story for {story.ChildName}");
            Fact("Story id", new XElement("code", job.StoryId.ToString()));
            Fact("This job", job.Kind.ToString());
            Fact("Status", story.Status.ToString());
            Fact("Stages done", story.StagesDone.ToString());
            Fact("Pages", story.Pages.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (story.FailureReason is not null)
                Fact("Reason", story.FailureReason);
            summary.Add(facts);
        }
        summary.Add(new XElement("h3", "Log"));
        summary.Add(
            log.Count == 0
                ? new XElement("p", "Nothing logged yet.")
                : new XElement("pre", new XAttribute("class", "storybook-log"), string.Join('\n', log))
        );
        return new NonEscapedString(summary.ToString(SaveOptions.DisableFormatting));
    }
}
