using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Storage;
using StorybookShop.Stories;

namespace StorybookShop.Generation;

internal static class StoryBriefs
{
    /// <summary>The brief for a story loaded with its shop (the shop's settings choose providers and limits).</summary>
    public static StoryBrief For(Story s) => new(s.Id, s.ChildName, s.AgeGroup, s.Genre, s.Language, s.MoralLesson, s.Companions)
    {
        ShopId = s.ShopId, Settings = s.Shop?.Settings ?? new ShopSettings(),
    };

    public static Task<Story> LoadAsync(this AppDbContext db, Guid storyId, CancellationToken ct) =>
        db.Stories.AsNoTracking().Include(s => s.Pages).Include(s => s.Shop).SingleAsync(s => s.Id == storyId, ct);

    /// <summary>
    /// Records why a page's picture or narration was refused; the page keeps its other assets. The reason stays
    /// until the merchant regenerates or retries the page (a sibling stage succeeding on the page does not clear it).
    /// </summary>
    public static Task MarkPageFailedAsync(this AppDbContext db, Guid storyId, int number, PipelineStages stage, string error, CancellationToken ct)
    {
        error = error.Length > 1000 ? error[..1000] : error;
        var pages = db.StoryPages.Where(p => p.StoryId == storyId && p.Number == number);
        return stage == PipelineStages.Illustrations
            ? pages.ExecuteUpdateAsync(u => u.SetProperty(p => p.ImageStage, AssetStage.Failed).SetProperty(p => p.Error, error), ct)
            : pages.ExecuteUpdateAsync(u => u.SetProperty(p => p.AudioStage, AssetStage.Failed).SetProperty(p => p.Error, error), ct);
    }

    /// <summary>Marks a stage done with a set-based OR, so two stages finishing together cannot lose each other's flag.</summary>
    public static Task MarkDoneAsync(this AppDbContext db, Guid storyId, PipelineStages stage, DateTimeOffset now, CancellationToken ct) =>
        db.Stories.Where(s => s.Id == storyId)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.StagesDone, s => s.StagesDone | stage).SetProperty(s => s.UpdatedAt, now), ct);

    public static async Task DelayAsync(TimeSpan latency, CancellationToken ct)
    {
        if (latency > TimeSpan.Zero) await Task.Delay(latency, ct);
    }
}

/// <summary>Writes the story: title, characters with fixed looks, and every page's text and picture brief.</summary>
public sealed class TextStage(IDbContextFactory<AppDbContext> contexts, ProviderCatalog providers, GenerationLedger ledger, OpenAI.IContentModerator moderator,
    IOptions<GenerationOptions> options, TimeProvider clock) : IPipelineStage
{
    public PipelineStages Stage => PipelineStages.Text;

    public async Task RunAsync(Guid storyId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var story = await db.Stories.Include(s => s.Pages).Include(s => s.Shop).SingleAsync(s => s.Id == storyId, ct);
        if (story.StagesDone.HasFlag(PipelineStages.Text)) return;

        var brief = StoryBriefs.For(story);
        var writer = providers.Writer(brief.Settings);
        var prompt = JsonSerializer.Serialize(brief);
        // One corrective retry when the story does not fit its age band, then accept it with the warning on record.
        string? correction = null;
        StoryPlan plan;
        for (var attempt = 1; ; attempt++)
        {
            IReadOnlyList<string> problems = [];
            var final = attempt == 2 || !writer.AcceptsCorrections;
            var sent = correction;
            plan = await ledger.RecordAsync(storyId, GenerationType.Text, null, writer.Provider, sent is null ? prompt : prompt + "\nCorrection: " + sent, async token =>
            {
                await StoryBriefs.DelayAsync(options.Value.SimulatedTextLatency, token);
                return await writer.WriteAsync(brief, sent, token);
            }, p =>
            {
                problems = writer.AcceptsCorrections ? StoryPlanCheck.Problems(p, brief) : [];
                return new
                {
                    p.Title, pages = p.Pages.Count, words = p.Pages.Sum(x => ReadingLevel.Words(x.Text)),
                    warnings = problems.Count == 0 ? null : problems, outcome = problems.Count == 0 ? "accepted" : final ? "accepted with warnings" : "sent back",
                };
            }, ct);
            // Whatever the writer produced goes into a child's book: screen it. Flagged text is rewritten once;
            // flagged twice, the story stops with the reason.
            var flags = await moderator.FlaggedAsync([plan.Title, .. plan.Pages.Select(p => p.Text)], brief.Settings.ModerationThresholds, ct);
            if (flags.Any(f => f))
            {
                if (attempt >= 2 || !writer.AcceptsCorrections)
                    throw new GeneratedContentRejectedException("The written story was flagged by moderation twice; it will not be used.");
                correction = "Parts of the previous draft were flagged as unsuitable for children. Keep everything gentle, kind and safe.";
                continue;
            }
            if (problems.Count == 0 || final) break;
            correction = string.Join(" ", problems);
        }

        // The plan, its pages and the stage flag land in one SaveChanges: a crash leaves all or nothing.
        db.StoryPages.RemoveRange(story.Pages);
        db.StoryPages.AddRange(plan.Pages.Select((p, i) => new StoryPage
        {
            Id = Guid.NewGuid(), StoryId = story.Id, Number = i + 1, Text = p.Text, IllustrationPrompt = p.IllustrationPrompt, Scene = p.Scene,
        }));
        story.Title = plan.Title;
        story.Description = plan.Description;
        story.Characters = [.. plan.Characters];
        story.Settings = [.. plan.Settings];
        story.MoralLesson ??= plan.Moral;
        story.WordCount = plan.Pages.Sum(p => ReadingLevel.Words(p.Text));
        story.StagesDone |= PipelineStages.Text;
        story.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>
/// Draws the cover and one picture per page, a few at a time, skipping pictures already stored. A picture the
/// provider refuses fails only that page: the rest are drawn, and the page can be regenerated later.
/// </summary>
public sealed class IllustrationStage(IDbContextFactory<AppDbContext> contexts, ProviderCatalog providers, IAssetStore assets, GenerationLedger ledger,
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
        var look = string.IsNullOrWhiteSpace(brief.Settings.IllustrationStyle) ? DefaultStyle : brief.Settings.IllustrationStyle.Trim();
        var style = $"{look}; characters: {string.Join("; ", story.Characters.Select(c => $"{c.Name}: {c.VisualDescription}"))}.";
        // The cover shows the hero and companion at the story's farthest place, in warm light.
        var destination = story.Pages.OrderBy(p => p.Number).LastOrDefault(p => p.Scene.Setting != "home")?.Scene.Setting ?? "home";
        var coverScene = new Scene(destination, "sunset", [story.ChildName, .. story.Characters.Where(c => c.Role == "companion").Take(1).Select(c => c.Name)], "treasure", "joyful");
        var work = new List<(int Number, string Key, string Prompt, Scene Scene, bool Done)>
        {
            (0, AssetKeys.Cover(story.ShopId, story.Id), $"Book cover for \"{story.Title}\": {story.ChildName} and friends, inviting and bright.", coverScene, story.CoverImage is not null),
        };
        work.AddRange(story.Pages.OrderBy(p => p.Number).Select(p =>
            (p.Number, AssetKeys.PageImage(story.ShopId, story.Id, p.Number), p.IllustrationPrompt, p.Scene, p.ImageStage == AssetStage.Done && p.ImageKey is not null)));
        // Before purchase only the cover and the first pages are drawn (the storefront preview).
        if (!story.Released) work = work.Where(w => w.Number <= options.Value.PreviewPages).ToList();

        var refused = new System.Collections.Concurrent.ConcurrentBag<(int Number, string Error)>();
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.IllustrationConcurrency), CancellationToken = ct }, async (item, token) =>
        {
            if (item.Done && await assets.ExistsAsync(item.Key, token)) return;
            var request = new IllustrationRequest(brief, item.Number, item.Prompt + " " + style, item.Scene, story.Characters, style, item.Number == 0 ? story.Title : null);
            byte[] jpeg;
            await shopSlots.WaitAsync(token);
            try
            {
                jpeg = await ledger.RecordAsync(story.Id, GenerationType.Image, item.Number, illustrator.Provider, request.Prompt, async t =>
                {
                    await StoryBriefs.DelayAsync(options.Value.SimulatedImageLatency, t);
                    return await illustrator.DrawAsync(request, t);
                }, _ => new { key = item.Key }, token);
            }
            catch (Exception e) when (StoryStageJob.IsPermanent(e))
            {
                refused.Add((item.Number, e.Message));
                await using var failed = await contexts.CreateDbContextAsync(token);
                if (item.Number > 0) await failed.MarkPageFailedAsync(story.Id, item.Number, Stage, $"Picture refused: {e.Message}", token);
                return;
            }
            finally
            {
                shopSlots.Release();
            }
            await assets.PutAsync(item.Key, jpeg, "image/jpeg", token);

            await using var db = await contexts.CreateDbContextAsync(token);
            if (item.Number == 0)
                await db.Stories.Where(s => s.Id == story.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.CoverImage, item.Key), token);
            else
                await db.StoryPages.Where(p => p.StoryId == story.Id && p.Number == item.Number)
                    .ExecuteUpdateAsync(u => u.SetProperty(p => p.ImageKey, item.Key).SetProperty(p => p.ImageStage, AssetStage.Done), token);
        });
        if (!refused.IsEmpty) throw new PagesFailedException(Stage, [.. refused]);
        if (!story.Released)
        {
            // The preview is ready; the rest of the book waits for the order (orders/paid releases it).
            await using var db = await contexts.CreateDbContextAsync(ct);
            var waiting = await db.Stories.Where(s => s.Id == story.Id && s.Status == StoryStatus.Generating && !s.Released)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, StoryStatus.Preview).SetProperty(s => s.UpdatedAt, clock.GetUtcNow()), ct);
            // Paid while the preview was being drawn: draw the rest now (finished pictures are skipped).
            if (waiting == 0) await RunAsync(storyId, ct);
            return;
        }

        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var images = work.Where(w => w.Number > 0).Select(w => w.Key).ToList();
            await db.Stories.Where(s => s.Id == story.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Images, images), ct);
            await db.MarkDoneAsync(story.Id, Stage, clock.GetUtcNow(), ct);
        }
    }
}

/// <summary>
/// Narrates every page in the book's language, keeping word timings when the provider gives them, then joins
/// the pages into one file for the whole book. Providers that carry the voice from page to page
/// (ElevenLabs) speak the pages in order; others speak a few at a time. A refused page fails only itself.
/// </summary>
public sealed class NarrationStage(IDbContextFactory<AppDbContext> contexts, ProviderCatalog providers, IAssetStore assets, GenerationLedger ledger,
    IOptions<GenerationOptions> options, TimeProvider clock) : IPipelineStage
{
    public PipelineStages Stage => PipelineStages.Narration;

    public async Task RunAsync(Guid storyId, CancellationToken ct)
    {
        Story story;
        await using (var db = await contexts.CreateDbContextAsync(ct))
            story = await db.LoadAsync(storyId, ct);
        if (story.StagesDone.HasFlag(PipelineStages.Narration)) return;

        var brief = StoryBriefs.For(story);
        var narrator = providers.Narrator(brief.Settings);
        var pages = story.Pages.OrderBy(p => p.Number).ToList();
        // Request ids of the pages spoken so far, by page: a resumed stage carries the voice on from where it stopped.
        var requestIds = new System.Collections.Concurrent.ConcurrentDictionary<int, string>(
            pages.Where(p => p.AudioStage == AssetStage.Done && p.AudioRequestId is not null).ToDictionary(p => p.Number, p => p.AudioRequestId!));
        var refused = new System.Collections.Concurrent.ConcurrentBag<(int Number, string Error)>();

        async ValueTask Narrate(StoryPage page, CancellationToken token)
        {
            var key = AssetKeys.PageAudio(story.ShopId, story.Id, page.Number);
            if (page.AudioStage == AssetStage.Done && page.AudioKey is not null && await assets.ExistsAsync(key, token)) return;
            var previous = narrator.UsesContinuity
                ? requestIds.Where(r => r.Key < page.Number).OrderBy(r => r.Key).TakeLast(3).Select(r => r.Value).ToList()
                : [];
            Narration narration;
            try
            {
                narration = await ledger.RecordAsync(story.Id, GenerationType.Audio, page.Number, narrator.Provider, page.Text, async t =>
                {
                    await StoryBriefs.DelayAsync(options.Value.SimulatedAudioLatency, t);
                    return await narrator.NarrateAsync(new NarrationRequest(brief, page.Text, previous), t);
                }, n => new { key, seconds = Math.Round(n.Seconds, 2), words = n.Words?.Count }, token);
            }
            catch (Exception e) when (StoryStageJob.IsPermanent(e))
            {
                refused.Add((page.Number, e.Message));
                await using var failed = await contexts.CreateDbContextAsync(token);
                await failed.MarkPageFailedAsync(story.Id, page.Number, Stage, $"Narration refused: {e.Message}", token);
                return;
            }
            await assets.PutAsync(key, narration.Mp3, "audio/mpeg", token);
            if (narration.RequestId is not null) requestIds[page.Number] = narration.RequestId;
            var words = narration.Words?.ToList();
            await using var db = await contexts.CreateDbContextAsync(token);
            await db.StoryPages.Where(p => p.StoryId == story.Id && p.Number == page.Number).ExecuteUpdateAsync(u => u
                .SetProperty(p => p.AudioKey, key).SetProperty(p => p.AudioStage, AssetStage.Done).SetProperty(p => p.AudioSeconds, narration.Seconds)
                .SetProperty(p => p.Words, words).SetProperty(p => p.AudioRequestId, narration.RequestId), token);
        }

        if (narrator.UsesContinuity)
            foreach (var page in pages) await Narrate(page, ct);
        else
            await Parallel.ForEachAsync(pages, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.NarrationConcurrency), CancellationToken = ct }, Narrate);
        if (!refused.IsEmpty) throw new PagesFailedException(Stage, [.. refused]);

        // The whole book is the pages joined: no second, paid narration of the same text.
        var parts = new List<byte[]>();
        foreach (var page in pages)
            parts.Add(await assets.GetAsync(AssetKeys.PageAudio(story.ShopId, story.Id, page.Number), ct)
                ?? throw new InvalidOperationException($"Page {page.Number}'s narration is missing from the asset store."));
        var bookKey = AssetKeys.BookAudio(story.ShopId, story.Id);
        await assets.PutAsync(bookKey, Audio.Mp3.Concat(parts), "audio/mpeg", ct);

        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var files = pages.Select(p => AssetKeys.PageAudio(story.ShopId, story.Id, p.Number)).Append(bookKey).ToList();
            await db.Stories.Where(s => s.Id == story.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.AudioFiles, files), ct);
            await db.MarkDoneAsync(story.Id, Stage, clock.GetUtcNow(), ct);
        }
    }
}

/// <summary>Generated content that must not be used; retrying the stage would not change that.</summary>
public sealed class GeneratedContentRejectedException(string message) : Exception(message);

/// <summary>
/// Some pages' pictures or narration were refused by the provider (400/401/403/404/422): the other pages are
/// done, and the merchant can regenerate the refused ones. Retrying the stage as it is would not change that.
/// </summary>
public sealed class PagesFailedException(PipelineStages stage, IReadOnlyList<(int Number, string Error)> pages)
    : Exception($"{string.Join("; ", pages.OrderBy(p => p.Number).Select(p => $"{(p.Number == 0 ? "the cover" : $"page {p.Number}")}: {p.Error}"))}. " +
        $"The other pages are done; regenerate {(pages.Count == 1 ? "that page" : "those pages")} to finish the book.")
{
    public PipelineStages Stage { get; } = stage;
    public IReadOnlyList<int> Pages { get; } = pages.Select(p => p.Number).Order().ToList();
}
