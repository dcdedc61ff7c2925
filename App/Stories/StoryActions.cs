using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Admin;
using StorybookShop.Catalog;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.OpenAI;
using StorybookShop.Hosting;
using StorybookShop.Shopify;

namespace StorybookShop.Stories;

/// <summary>
/// The merchant's actions on a story that has stopped: regenerate one page (its picture, its narration or
/// both, optionally with new text or a new picture description), or retry whatever failed. Both put the
/// story back into the pipeline; only the missing work runs, then the book is laid out again.
/// </summary>
public static partial class StoryActions
{
    public static WebApplication MapStoryActions(this WebApplication app)
    {
        var group = app.MapShopApi("/api/stories", "Stories");
        group
            .MapPost("/{id:guid}/pages/{number:int}/regenerate", RegeneratePageAsync)
            .Validated<RegeneratePageRequest>();
        group.MapPost("/{id:guid}/retry", RetryAsync);
        group.MapPost("/{id:guid}/archive", ArchiveAsync);
        group.MapPost("/{id:guid}/publish", PublishAsync);
        group.MapPost("/{id:guid}/unpublish", UnpublishAsync);
        group.MapPost("/{id:guid}/deliver", DeliverAsync);
        return app;
    }

    internal static async Task<
        Results<Accepted<StoryCreated>, ValidationProblem, NotFound, ProblemHttpResult>
    > RegeneratePageAsync(
        Guid id,
        int number,
        RegeneratePageRequest? request,
        AppDbContext db,
        StoryPipeline pipeline,
        IContentModerator moderator,
        Budget budget,
        TimeProvider clock,
        CurrentShop current,
        HttpContext http,
        CancellationToken ct
    )
    {
        request ??= new RegeneratePageRequest(null, null, null);
        var shop = current.Shop;
        var story = await db
            .Stories.Include(s => s.Pages)
            .SingleOrDefaultAsync(s => s.Id == id && s.ShopId == shop.Id, ct);
        if (story is null)
            return TypedResults.NotFound();

        var errors = new Dictionary<string, string[]>();
        if (number < 0 || number > story.Pages.Count)
            errors["number"] = [$"The story has pages 1 to {story.Pages.Count}; 0 is the cover."];
        if (number == 0 && request.Text is not null)
            errors["text"] = ["The cover has no text of its own."];
        if (number == 0 && request.Parts?.Contains("audio") == true)
            errors["parts"] = ["The cover has no narration."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        if (Stopped(story) is { } conflict)
            return conflict;

        var page = number == 0 ? null : story.Pages.Single(p => p.Number == number);
        var parts = new HashSet<string>(request.Parts ?? []);
        if (request.Text is not null)
            parts.Add("audio");
        if (request.IllustrationPrompt is not null)
            parts.Add("image");
        if (parts.Count == 0)
        {
            // Nothing named: make again what failed on that page, or its picture.
            if (page?.AudioStage == AssetStage.Failed)
                parts.Add("audio");
            if (page?.ImageStage == AssetStage.Failed || !parts.Contains("audio"))
                parts.Add("image");
        }

        if (
            request.Text is not null
            && await moderator.FlaggedAsync([request.Text], shop.Settings.ModerationThresholds, ct) is [true]
        )
            return TypedResults.Problem(
                new Microsoft.AspNetCore.Mvc.ValidationProblemDetails(
                    new Dictionary<string, string[]> { ["text"] = ["This text is not suitable for a children's book."] }
                )
                {
                    Status = StatusCodes.Status422UnprocessableEntity,
                    Title = "The new page text cannot be used in a children's book.",
                }
            );
        if (await budget.ForShopAsync(db, shop, ct) is { Exhausted: true } spent)
            return StoryApi.BudgetSpent(spent);

        var undo = PipelineStages.Book;
        if (parts.Contains("image"))
        {
            undo |= PipelineStages.Illustrations;
            if (page is null)
                story.CoverImage = null;
            else
            {
                page.ImageStage = AssetStage.Pending;
                if (request.IllustrationPrompt is not null)
                    page.IllustrationPrompt = request.IllustrationPrompt.Trim();
            }
        }
        if (parts.Contains("audio") && page is not null)
        {
            undo |= PipelineStages.Narration;
            page.AudioStage = AssetStage.Pending;
            page.Words = null;
            page.AudioRequestId = null;
            if (request.Text is not null)
            {
                page.Text = request.Text.Trim();
                story.TextRegenerations++;
                story.WordCount = story.Pages.Sum(p => ReadingLevel.Words(p.Text));
            }
        }
        if (page is not null)
            page.Error = null;
        Restart(story, undo, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await pipeline.TryAdvanceAsync(story.Id, ct);
        return TypedResults.Accepted(
            $"/api/stories/{story.Id}",
            new StoryCreated(story.Id, story.Status.ToString(), $"/api/stories/{story.Id}/status")
        );
    }

    /// <summary>A story in Error goes back into the pipeline: refused pages are tried again, finished work is
    /// kept.</summary>
    internal static async Task<Results<Accepted<StoryCreated>, NotFound, ProblemHttpResult>> RetryAsync(
        Guid id,
        AppDbContext db,
        StoryPipeline pipeline,
        Budget budget,
        TimeProvider clock,
        CurrentShop current,
        HttpContext http,
        CancellationToken ct
    )
    {
        var shop = current.Shop;
        var story = await db
            .Stories.Include(s => s.Pages)
            .SingleOrDefaultAsync(s => s.Id == id && s.ShopId == shop.Id, ct);
        if (story is null)
            return TypedResults.NotFound();
        if (!StoryLifecycle.Retry.Allows(story.Status))
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Only a story that failed can be retried.",
                detail: $"The story is {story.Status}."
            );
        if (await budget.ForShopAsync(db, shop, ct) is { Exhausted: true } spent)
            return StoryApi.BudgetSpent(spent);
        foreach (var p in story.Pages)
        {
            if (p.ImageStage == AssetStage.Failed)
                p.ImageStage = AssetStage.Pending;
            if (p.AudioStage == AssetStage.Failed)
                p.AudioStage = AssetStage.Pending;
            p.Error = null;
        }
        Restart(story, PipelineStages.None, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await pipeline.TryAdvanceAsync(story.Id, ct);
        return TypedResults.Accepted(
            $"/api/stories/{story.Id}",
            new StoryCreated(story.Id, story.Status.ToString(), $"/api/stories/{story.Id}/status")
        );
    }

    /// <summary>Archived stories leave the lists' default views and make nothing more; their pending jobs are
    /// removed.</summary>
    internal static async Task<Results<Ok<StoryStatusView>, NotFound, ProblemHttpResult>> ArchiveAsync(
        Guid id,
        AppDbContext db,
        StoryPipeline pipeline,
        TimeProvider clock,
        CurrentShop current,
        HttpContext http,
        CancellationToken ct
    )
    {
        var shop = current.Shop;
        var story = await db.Stories.SingleOrDefaultAsync(s => s.Id == id && s.ShopId == shop.Id, ct);
        if (story is null)
            return TypedResults.NotFound();
        if (!StoryLifecycle.Archive.Allows(story.Status))
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: story.Status == StoryStatus.Published
                    ? "A published story cannot be archived."
                    : $"A {story.Status.ToString().ToLowerInvariant()} story cannot be archived.",
                detail: story.Status == StoryStatus.Published ? "Unpublish it first." : null
            );
        StoryLifecycle.Archive.Apply(story, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await pipeline.CancelAsync(story.Id, ct: ct);
        if (story.ShopifyProductId is { } productId)
        {
            // The product stays in Shopify for order history, archived so it is no longer sold.
            try
            {
                await http
                    .RequestServices.GetRequiredService<Publishing.ProductPublisher>()
                    .ArchiveProductAsync(shop.Domain, productId, ct);
            }
            catch (Exception e)
            {
                Log.ProductArchiveFailed(
                    http.RequestServices.GetRequiredService<ILogger<StoryCreated>>(),
                    e,
                    productId
                );
            }
        }
        return TypedResults.Ok(new StoryStatusView(story.Id, story.Status.ToString(), null, 0, null));
    }

    /// <summary>Publishes a complete book as a Shopify digital product, in a durable job (202); a published one answers
    /// 200.</summary>
    internal static async Task<
        Results<Accepted<StoryStatusView>, Ok<StoryStatusView>, NotFound, ProblemHttpResult>
    > PublishAsync(
        Guid id,
        AppDbContext db,
        Jobs.StoryJobs jobs,
        TimeProvider clock,
        CurrentShop current,
        HttpContext http,
        CancellationToken ct
    )
    {
        var shop = current.Shop;
        var story = await db.Stories.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && s.ShopId == shop.Id, ct);
        if (story is null)
            return TypedResults.NotFound();
        if (story.Status == StoryStatus.Published)
            return TypedResults.Ok(new StoryStatusView(id, story.Status.ToString(), null, 100, null));
        if (story.Status != StoryStatus.Complete)
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Only a complete book can be published.",
                detail: $"The story is {story.Status}."
            );
        await jobs.EnqueueOnceAsync(id, Jobs.StoryJobKind.Publish, ct);
        return TypedResults.Accepted(
            $"/api/stories/{id}",
            new StoryStatusView(id, story.Status.ToString(), "publish", 100, null)
        );
    }

    /// <summary>Takes the product off the Online Store; the story is Complete again.</summary>
    internal static async Task<Results<Ok<StoryStatusView>, NotFound, ProblemHttpResult>> UnpublishAsync(
        Guid id,
        AppDbContext db,
        Publishing.ProductPublisher publisher,
        TimeProvider clock,
        CurrentShop current,
        HttpContext http,
        CancellationToken ct
    )
    {
        var shop = current.Shop;
        var story = await db
            .Stories.AsNoTracking()
            .Include(s => s.Shop)
            .SingleOrDefaultAsync(s => s.Id == id && s.ShopId == shop.Id, ct);
        if (story is null)
            return TypedResults.NotFound();
        if (story.Status != StoryStatus.Published)
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The story is not published.",
                detail: $"The story is {story.Status}."
            );
        await publisher.UnpublishAsync(story, ct);
        return TypedResults.Ok(new StoryStatusView(id, nameof(StoryStatus.Complete), null, 100, null));
    }

    /// <summary>
    /// Tries again to hand the book to its buyers whose delivery has not gone through (Shopify refused the
    /// fulfillment, or it kept failing): their failure is cleared and the delivery job runs again (202).
    /// </summary>
    internal static async Task<Results<Accepted<DeliveryRetry>, NotFound, ProblemHttpResult>> DeliverAsync(
        Guid id,
        AppDbContext db,
        StoryPipeline pipeline,
        CurrentShop current,
        CancellationToken ct
    )
    {
        var story = await db.Stories.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && s.ShopId == current.Id, ct);
        if (story is null)
            return TypedResults.NotFound();
        if (story.Status is not (StoryStatus.Complete or StoryStatus.Published))
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Only a finished book can be delivered.",
                detail: $"The story is {story.Status}."
            );
        var waiting = await db
            .Deliveries.Where(d => d.StoryId == id && d.RevokedAt == null && d.FulfillmentId == null)
            .ExecuteUpdateAsync(
                u =>
                    u.SetProperty(d => d.FailureReason, (string?)null)
                        .SetProperty(d => d.FailedAt, (DateTimeOffset?)null),
                ct
            );
        if (waiting == 0)
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Every buyer of this book has it already.",
                detail: "No delivery is waiting."
            );
        await pipeline.AdvanceAsync(id, ct);
        return TypedResults.Accepted($"/api/stories/{id}", new DeliveryRetry(id, waiting));
    }

    private static ProblemHttpResult? Stopped(Story story) =>
        story.Status switch
        {
            StoryStatus.Complete or StoryStatus.Error => null,
            StoryStatus.Generating => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The story is still being made.",
                detail: "Wait until it is complete or has failed, then regenerate the page."
            ),
            _ => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: $"A {story.Status.ToString().ToLowerInvariant()} story cannot be changed.",
                detail: story.Status == StoryStatus.Published ? "Unpublish it first." : null
            ),
        };

    /// <summary>Back to Generating with the given stages undone; the book is laid out again (its PDF link is cleared
    /// until then).</summary>
    private static void Restart(Story story, PipelineStages undo, DateTimeOffset now)
    {
        story.StagesDone &= ~(undo | PipelineStages.Book);
        StoryLifecycle.Reopen.Apply(story, now);
        story.FailureReason = null;
        story.PdfUrl = null;
        story.PrintPdfKey = null;
        story.EpubKey = null;
        story.UpdatedAt = now;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not archive product {ProductId}")]
        public static partial void ProductArchiveFailed(ILogger logger, Exception exception, string productId);
    }
}
