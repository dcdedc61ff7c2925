using Microsoft.EntityFrameworkCore;
using SkiaSharp;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.Offline;

namespace StorybookShop.Storefront;

/// <summary>Where the characters' heads are in a picture, so that the PREVIEW stamp misses them: known for a picture
/// the offline illustrator drew (its scene's layout), unknown for a model's.</summary>
internal static class PreviewHeads
{
    /// <returns>Each head as parts (0–1) of the picture's width and height; empty when unknown.</returns>
    public static async Task<IReadOnlyList<SKRect>> ForAsync(
        AppDbContext db,
        Story story,
        int number,
        int previewPages,
        CancellationToken ct
    )
    {
        var drawnBy = await db
            .Generations.Where(g =>
                g.StoryId == story.Id && g.Type == GenerationType.Image && g.PageNumber == number && g.Error == null
            )
            .OrderByDescending(g => g.CreatedAt)
            .Select(g => g.Provider)
            .FirstOrDefaultAsync(ct);
        if (drawnBy != Providers.Offline)
            return [];
        var settings = await db.Shops.Where(s => s.Id == story.ShopId).Select(s => s.Settings).SingleAsync(ct);
        var plan = IllustrationPlan.For(story, settings, previewPages);
        var request = plan
            .Pictures.Single(p => p.Number == number)
            .Request(StoryBriefs.For(story) with { Settings = settings }, story.Characters, plan.Style);
        return
        [
            .. SceneLayout.Heads(request).Select(h => new SKRect((float)h.X0, (float)h.Y0, (float)h.X1, (float)h.Y1)),
        ];
    }
}
