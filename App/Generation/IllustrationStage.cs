using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Storage;

namespace StorybookShop.Generation;

/// <summary>
/// Draws the cover and one picture per page, a few at a time, skipping pictures already stored. A picture the
/// provider refuses fails only that page: the rest are drawn, and the page can be regenerated later.
/// </summary>
public sealed class IllustrationStage(IDbContextFactory<AppDbContext> contexts, ProviderCatalog providers,
    IAssetStore assets, GenerationLedger ledger,
    IOptions<GenerationOptions> options, TimeProvider clock) : IPipelineStage
{
    public const string DefaultStyle = "Soft, warm children's picture-book illustration";

    public PipelineStages Stage => PipelineStages.Illustrations;

    public async Task RunAsync(Guid storyId, CancellationToken ct)
    {
        Story story;
        await using (var db = await contexts.CreateDbContextAsync(ct))
            story = await db.LoadAsync(storyId, ct);
        if (story.StagesDone.HasFlag(PipelineStages.Illustrations)) return;

        var brief = StoryBriefs.For(story);
        var illustrator = providers.Illustrator(brief.Settings);
        var shopSlots = providers.ImageSlots(story.ShopId, brief.Settings);
        var look = string.IsNullOrWhiteSpace(brief.Settings.IllustrationStyle) ? DefaultStyle
            : brief.Settings.IllustrationStyle.Trim();
        var style =
            $"{look}; characters: " +
                $"{string.Join("; ", story.Characters.Select(c => $"{c.Name}: {c.VisualDescription}"))}.";
        // The cover shows the hero and companion at the story's farthest place, in warm light.
        var destination = story.Pages.OrderBy(p => p.Number)
            .LastOrDefault(p => p.Scene.Setting != "home")?.Scene.Setting ?? "home";
        var coverScene = new Scene(destination, "sunset", [story.ChildName,
            .. story.Characters.Where(c => c.Role == "companion").Take(1).Select(c => c.Name)], "treasure", "joyful");
        var work = new List<(int Number, string Key, string Prompt, Scene Scene, bool Done)>
        {
            (0, AssetKeys.Cover(story.ShopId, story.Id),
                $"Book cover for \"{story.Title}\": {story.ChildName} and friends, inviting and bright.", coverScene,
                    story.CoverImage is not null),
        };
        work.AddRange(story.Pages.OrderBy(p => p.Number).Select(p =>
            (p.Number, AssetKeys.PageImage(story.ShopId, story.Id, p.Number), p.IllustrationPrompt, p.Scene,
                p.ImageStage == AssetStage.Done && p.ImageKey is not null)));
        // Before purchase only the cover and the first pages are drawn (the storefront preview).
        if (!story.Released) work = work.Where(w => w.Number <= options.Value.PreviewPages).ToList();

        // Colouring pages (a shop setting): each page's scene as line art too, for the book's last pages and the
        // colouring book. Skipped when already stored.
        var lineArt = story.Released && brief.Settings.ColouringPages == true
            ? story.Pages.OrderBy(p => p.Number).Select(p => (p.Number, Key: AssetKeys.LineArt(story.ShopId, story.Id,
                p.Number), p.IllustrationPrompt, p.Scene)).ToList()
            : [];

        var refused = new System.Collections.Concurrent.ConcurrentBag<(int Number, string Error)>();
        // Pages drawn (again) in this run: their line art is drawn again too (a regenerated picture).
        var drawn = new System.Collections.Concurrent.ConcurrentBag<int>();
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1,
            options.Value.IllustrationConcurrency), CancellationToken = ct }, async (item, token) =>
        {
            if (item.Done && await assets.ExistsAsync(item.Key, token)) return;
            var request = new IllustrationRequest(brief, item.Number, item.Prompt + " " + style, item.Scene,
                story.Characters, style, item.Number == 0 ? story.Title : null);
            byte[] jpeg;
            await shopSlots.WaitAsync(token);
            try
            {
                jpeg = await ledger.RecordAsync(story.Id, GenerationType.Image, item.Number, illustrator.Provider,
                    request.Prompt, async t =>
                {
                    await StoryBriefs.DelayAsync(options.Value.SimulatedImageLatency, t);
                    return await illustrator.DrawAsync(request, t);
                }, _ => new { key = item.Key }, token);
            }
            catch (Exception e) when (StoryStageJob.IsPermanent(e))
            {
                refused.Add((item.Number, e.Message));
                await using var failed = await contexts.CreateDbContextAsync(token);
                if (item.Number > 0) await failed.MarkPageFailedAsync(story.Id, item.Number, Stage,
                    $"Picture refused: {e.Message}", token);
                return;
            }
            finally
            {
                shopSlots.Release();
            }
            await assets.PutAsync(item.Key, jpeg, "image/jpeg", token);
            drawn.Add(item.Number);

            await using var db = await contexts.CreateDbContextAsync(token);
            if (item.Number == 0)
                await db.Stories.Where(s => s.Id == story.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.CoverImage,
                    item.Key), token);
            else
                await db.StoryPages.Where(p => p.StoryId == story.Id && p.Number == item.Number)
                    .ExecuteUpdateAsync(u => u.SetProperty(p => p.ImageKey, item.Key).SetProperty(p => p.ImageStage,
                        AssetStage.Done), token);
        });
        await Parallel.ForEachAsync(lineArt, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1,
            options.Value.IllustrationConcurrency), CancellationToken = ct }, async (item, token) =>
        {
            if (refused.Any(r => r.Number == item.Number)
                || (!drawn.Contains(item.Number) && await assets.ExistsAsync(item.Key, token))) return;
            var request = new IllustrationRequest(brief, item.Number, item.IllustrationPrompt + " " + style, item.Scene,
                story.Characters, style, null);
            byte[] jpeg;
            await shopSlots.WaitAsync(token);
            try
            {
                jpeg = await ledger.RecordAsync(story.Id, GenerationType.Image, item.Number, illustrator.Provider,
                    IIllustrator.LineArtPrompt(request), t => illustrator.DrawLineArtAsync(request, t),
                    _ => new { key = item.Key, lineArt = true }, token);
            }
            catch (Exception e) when (StoryStageJob.IsPermanent(e))
            {
                refused.Add((item.Number, e.Message));
                await using var failed = await contexts.CreateDbContextAsync(token);
                await failed.MarkPageFailedAsync(story.Id, item.Number, Stage, $"Colouring page refused: {e.Message}",
                    token);
                return;
            }
            finally
            {
                shopSlots.Release();
            }
            await assets.PutAsync(item.Key, jpeg, "image/jpeg", token);
        });
        if (!refused.IsEmpty) throw new PagesFailedException(Stage, [.. refused]);
        if (!story.Released)
        {
            // The preview is ready; the rest of the book waits for the order (orders/paid releases it).
            await using var db = await contexts.CreateDbContextAsync(ct);
            var waiting = await db.Stories.Where(s => s.Id == story.Id && !s.Released)
                .Where(StoryLifecycle.Preview.Allowed)
                .ExecuteUpdateAsync(u => StoryLifecycle.Preview.Set(u, clock.GetUtcNow()), ct);
            // Paid while the preview was being drawn: draw the rest now (finished pictures are skipped).
            if (waiting == 0) await RunAsync(storyId, ct);
            return;
        }

        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var images = work.Where(w => w.Number > 0).Select(w => w.Key).ToList();
            await db.Stories.Where(s => s.Id == story.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Images, images), ct);
            await db.MarkDoneAsync(story.Id, Stage, clock.GetUtcNow(), ct);
        }
    }
}
