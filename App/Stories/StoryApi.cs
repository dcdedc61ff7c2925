using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Admin;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Hosting;
using StorybookShop.Shopify;
using StorybookShop.Storage;

namespace StorybookShop.Stories;

public static class StoryApi
{
    /// <summary>
    /// The merchant's story endpoints, behind App Bridge session tokens: every query is scoped to the
    /// shop in the token, so one shop can never see or touch another's stories.
    /// </summary>
    public static WebApplication MapStories(this WebApplication app)
    {
        var group = app.MapShopApi("/api/stories", "Stories");
        group
            .MapPost("/", CreateAsync)
            .Validated<PersonalizationRequest>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapGet("/{id:guid}/status", GetStatusAsync);
        return app;
    }

    internal static async Task<Results<Accepted<StoryCreated>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        PersonalizationRequest request,
        StoryCreation creation,
        CurrentShop current,
        CancellationToken ct
    )
    {
        switch (await creation.CreateAsync(request, current.Shop, shape: null, ct))
        {
            case StoryCreation.Flagged flagged:
                return creation.FlaggedProblem(flagged);
            case StoryCreation.OverBudget over:
                return BudgetSpent(over.Spent);
            case StoryCreation.NotTaking not:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status402PaymentRequired,
                    title: "This shop is not taking new books right now.",
                    detail: not.Closed.Explanation,
                    type: "/plan",
                    extensions: new Dictionary<string, object?> { ["reason"] = not.Closed.Reason.ToString() }
                );
            case StoryCreation.Created { Story: var story }:
                var statusUrl = $"/api/stories/{story.Id}/status";
                return TypedResults.Accepted(
                    $"/api/stories/{story.Id}",
                    new StoryCreated(story.Id, story.Status.ToString(), statusUrl)
                );
            default:
                throw new UnreachableException();
        }
    }

    internal static async Task<Results<Ok<StoryView>, NotFound>> GetAsync(
        Guid id,
        AppDbContext db,
        IAssetStore assets,
        IOptions<StorageOptions> storage,
        CurrentShop current,
        HttpContext http,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var shopId = current.Id;
        var story = await db
            .Stories.AsNoTracking()
            .Include(s => s.Pages)
            .SingleOrDefaultAsync(s => s.Id == id && s.ShopId == shopId, ct);
        if (story is null)
            return TypedResults.NotFound();
        var life = storage.Value.UrlLifetime;
        string? Url(string? key) => key is null ? null : assets.GetUrl(key, life).ToString();
        var cost = await db.Generations.Where(g => g.StoryId == story.Id).SumAsync(g => (decimal?)g.Cost, ct) ?? 0m;
        return TypedResults.Ok(
            new StoryView(
                story.Id,
                story.Status.ToString(),
                cost,
                story.Title,
                story.Description,
                story.ChildName,
                story.AgeGroup,
                story.Genre,
                story.Language,
                story.MoralLesson,
                story.Companions,
                story.Characters,
                Url(story.CoverImage),
                Url(story.PdfUrl),
                Url(story.PrintPdfKey),
                story.AudioFiles.Count > 0 ? Url(story.AudioFiles[^1]) : null,
                Url(story.EpubKey),
                story
                    .Pages.OrderBy(p => p.Number)
                    .Select(p => new PageView(
                        p.Number,
                        p.Text,
                        Url(p.ImageKey),
                        Url(p.AudioKey),
                        p.ImageStage.ToString(),
                        p.AudioStage.ToString(),
                        p.AudioSeconds is { } secs ? Math.Round(secs, 3) : null,
                        p.Words,
                        p.Error
                    ))
                    .ToList(),
                story.WordCount,
                story.PageCount,
                story.GenerationTimeMs,
                story.FailureReason,
                story.CreatedAt,
                story.UpdatedAt
            )
        );
    }

    internal static async Task<Results<Ok<StoryStatusView>, NotFound>> GetStatusAsync(
        Guid id,
        AppDbContext db,
        CurrentShop current,
        HttpContext http,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var shopId = current.Id;
        var s = await db
            .Stories.AsNoTracking()
            .Where(x => x.Id == id && x.ShopId == shopId)
            .Select(x => new
            {
                x.Id,
                x.Status,
                x.StagesDone,
                x.FailureReason,
                Pages = x.Pages.Count,
                Images = x.Pages.Count(p => p.ImageStage == AssetStage.Done),
                Audio = x.Pages.Count(p => p.AudioStage == AssetStage.Done),
            })
            .SingleOrDefaultAsync(ct);
        if (s is null)
            return TypedResults.NotFound();
        return TypedResults.Ok(
            new StoryStatusView(
                s.Id,
                s.Status.ToString(),
                CurrentStage(s.Status, s.StagesDone),
                Percent(s.StagesDone, s.Pages, s.Images, s.Audio),
                s.FailureReason
            )
        );
    }

    /// <summary>The first unfinished stage in pipeline order (illustrations and narration run together).</summary>
    public static string? CurrentStage(StoryStatus status, PipelineStages done) =>
        status is StoryStatus.Generating or StoryStatus.Error
            ? StoryPipeline.Order.FirstOrDefault(s => !done.HasFlag(s)).ToString().ToLowerInvariant()
            : null;

    /// <summary>Text 10 %, pictures 50 %, narration 20 %, book 20 %, counted page by page.</summary>
    public static int Percent(PipelineStages done, int pages, int images, int audio)
    {
        if (done.HasFlag(PipelineStages.Book))
            return 100;
        double p = done.HasFlag(PipelineStages.Text) ? 10 : 0;
        if (pages > 0)
        {
            p += done.HasFlag(PipelineStages.Illustrations) ? 50 : 50.0 * images / (pages + 1);
            p += done.HasFlag(PipelineStages.Narration) ? 20 : 20.0 * audio / (pages + 1);
        }
        return (int)Math.Min(99, Math.Floor(p));
    }

    /// <summary>The 403 for a shop whose monthly provider budget is spent.</summary>
    internal static ProblemHttpResult BudgetSpent(Budget.Status spent) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "This shop's monthly generation budget is used up.",
            detail: $"Spent ${spent.SpentUsd:0.00} of ${spent.LimitUsd:0.00} this month. Raise the budget in the "
                + $"app's settings or wait for next month."
        );
}
