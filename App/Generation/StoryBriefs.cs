using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;

namespace StorybookShop.Generation;

internal static class StoryBriefs
{
    /// <summary>The brief for a story loaded with its shop (the shop's settings choose providers and limits).</summary>
    public static StoryBrief For(Story s) =>
        new(s.Id, s.ChildName, s.AgeGroup, s.Genre, s.Language, s.MoralLesson, s.Companions)
        {
            ShopId = s.ShopId,
            Settings = s.Shop?.Settings ?? new ShopSettings(),
        };

    public static Task<Story> LoadAsync(this AppDbContext db, Guid storyId, CancellationToken ct) =>
        db.Stories.AsNoTracking().Include(s => s.Pages).Include(s => s.Shop).SingleAsync(s => s.Id == storyId, ct);

    /// <summary>
    /// Records why a page's picture or narration was refused; the page keeps its other assets. The reason stays
    /// until the merchant regenerates or retries the page (a sibling stage succeeding on the page does not clear it).
    /// </summary>
    public static Task MarkPageFailedAsync(
        this AppDbContext db,
        Guid storyId,
        int number,
        PipelineStages stage,
        string error,
        CancellationToken ct
    )
    {
        error = error.Length > 1000 ? error[..1000] : error;
        var pages = db.StoryPages.Where(p => p.StoryId == storyId && p.Number == number);
        return stage == PipelineStages.Illustrations
            ? pages.ExecuteUpdateAsync(
                u => u.SetProperty(p => p.ImageStage, AssetStage.Failed).SetProperty(p => p.Error, error),
                ct
            )
            : pages.ExecuteUpdateAsync(
                u => u.SetProperty(p => p.AudioStage, AssetStage.Failed).SetProperty(p => p.Error, error),
                ct
            );
    }

    /// <summary>Marks a stage done with a set-based OR, so two stages finishing together cannot lose each other's
    /// flag.</summary>
    public static Task MarkDoneAsync(
        this AppDbContext db,
        Guid storyId,
        PipelineStages stage,
        DateTimeOffset now,
        CancellationToken ct
    ) =>
        db
            .Stories.Where(s => s.Id == storyId)
            .ExecuteUpdateAsync(
                u => u.SetProperty(s => s.StagesDone, s => s.StagesDone | stage).SetProperty(s => s.UpdatedAt, now),
                ct
            );

    public static async Task DelayAsync(TimeSpan latency, CancellationToken ct)
    {
        if (latency > TimeSpan.Zero)
            await Task.Delay(latency, ct);
    }
}
