using System.Text.RegularExpressions;
using Hangfire;
using Hangfire.Common;
using Hangfire.Dashboard;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;

namespace StorybookShop.Jobs;

/// <summary>
/// A story's job as Hangfire's dashboard names it for a person: what it does and for which book ("Illustrations ·
/// Lucía y la pequeña luz valiente") instead of the story's id — the title read from the database when the
/// dashboard shows the job (the id while the book has no title yet, and outside a dashboard request). The operator's
/// view (<see cref="OperatorPath"/>) keeps the id beside the title.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed partial class StoryJobNameAttribute(string displayName) : JobDisplayNameAttribute(displayName)
{
    /// <summary>Where the operator's dashboard (every shop) is mapped.</summary>
    public const string OperatorPath = "/ops/jobs";

    public override string Format(DashboardContext context, Job job)
    {
        var name = base.Format(context, job);
        var id = job.Args.OfType<Guid>().FirstOrDefault();
        if (id == Guid.Empty)
            return name;
        var http = (context as AspNetCoreDashboardContext)?.HttpContext;
        if (http?.RequestServices.GetService<IDbContextFactory<AppDbContext>>() is not { } contexts)
            return name;
        using var db = contexts.CreateDbContext();
        var title = db.Stories.AsNoTracking().Where(s => s.Id == id).Select(s => s.Title).FirstOrDefault();
        if (title is null)
            return name;
        var operatorView = http.Request.PathBase.StartsWithSegments(OperatorPath);
        return StoryId().Replace(name, m => operatorView ? $"{title} ({m.Value})" : title);
    }

    [GeneratedRegex(@"story [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex StoryId();
}
