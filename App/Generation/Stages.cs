using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Storage;
using StorybookShop.Stories;

namespace StorybookShop.Generation;

internal static class StoryBriefs
{
    public static StoryBrief For(Story s) => new(s.Id, s.ChildName, s.AgeGroup, s.Genre, s.Language, s.MoralLesson, s.Companions);

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
public sealed class TextStage(IDbContextFactory<AppDbContext> contexts, IStoryWriter writer, GenerationLedger ledger, OpenAI.IContentModerator moderator,
    IOptions<GenerationOptions> options, TimeProvider clock) : IPipelineStage
{
    public PipelineStages Stage => PipelineStages.Text;

    public async Task RunAsync(Guid storyId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var story = await db.Stories.Include(s => s.Pages).SingleAsync(s => s.Id == storyId, ct);
        if (story.StagesDone.HasFlag(PipelineStages.Text)) return;

        var brief = StoryBriefs.For(story);
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
            var flags = await moderator.FlaggedAsync([plan.Title, .. plan.Pages.Select(p => p.Text)], ct);
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

/// <summary>Draws the cover and one picture per page, a few at a time, skipping pictures already stored.</summary>
public sealed class IllustrationStage(IDbContextFactory<AppDbContext> contexts, IIllustrator illustrator, IAssetStore assets, GenerationLedger ledger,
    IOptions<GenerationOptions> options, TimeProvider clock) : IPipelineStage
{
    public PipelineStages Stage => PipelineStages.Illustrations;

    public async Task RunAsync(Guid storyId, CancellationToken ct)
    {
        Story story;
        await using (var db = await contexts.CreateDbContextAsync(ct))
            story = await db.Stories.AsNoTracking().Include(s => s.Pages).SingleAsync(s => s.Id == storyId, ct);
        if (story.StagesDone.HasFlag(PipelineStages.Illustrations)) return;

        var brief = StoryBriefs.For(story);
        var style = $"Soft, warm children's picture-book illustration; characters: {string.Join("; ", story.Characters.Select(c => $"{c.Name}: {c.VisualDescription}"))}.";
        // The cover shows the hero and companion at the story's farthest place, in warm light.
        var destination = story.Pages.OrderBy(p => p.Number).LastOrDefault(p => p.Scene.Setting != "home")?.Scene.Setting ?? "home";
        var coverScene = new Scene(destination, "sunset", [story.ChildName, .. story.Characters.Where(c => c.Role == "companion").Take(1).Select(c => c.Name)], "treasure", "joyful");
        var work = new List<(int Number, string Key, string Prompt, Scene Scene, bool Done)>
        {
            (0, AssetKeys.Cover(story.ShopId, story.Id), $"Book cover for \"{story.Title}\": {story.ChildName} and friends, inviting and bright.", coverScene, story.CoverImage is not null),
        };
        work.AddRange(story.Pages.OrderBy(p => p.Number).Select(p =>
            (p.Number, AssetKeys.PageImage(story.ShopId, story.Id, p.Number), p.IllustrationPrompt, p.Scene, p.ImageStage == AssetStage.Done && p.ImageKey is not null)));

        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.IllustrationConcurrency), CancellationToken = ct }, async (item, token) =>
        {
            if (item.Done && await assets.ExistsAsync(item.Key, token)) return;
            var request = new IllustrationRequest(brief, item.Number, item.Prompt + " " + style, item.Scene, story.Characters, style, item.Number == 0 ? story.Title : null);
            var jpeg = await ledger.RecordAsync(story.Id, GenerationType.Image, item.Number, illustrator.Provider, request.Prompt, async t =>
            {
                await StoryBriefs.DelayAsync(options.Value.SimulatedImageLatency, t);
                return await illustrator.DrawAsync(request, t);
            }, _ => new { key = item.Key }, token);
            await assets.PutAsync(item.Key, jpeg, "image/jpeg", token);

            await using var db = await contexts.CreateDbContextAsync(token);
            if (item.Number == 0)
                await db.Stories.Where(s => s.Id == story.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.CoverImage, item.Key), token);
            else
                await db.StoryPages.Where(p => p.StoryId == story.Id && p.Number == item.Number)
                    .ExecuteUpdateAsync(u => u.SetProperty(p => p.ImageKey, item.Key).SetProperty(p => p.ImageStage, AssetStage.Done), token);
        });

        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var images = work.Where(w => w.Number > 0).Select(w => w.Key).ToList();
            await db.Stories.Where(s => s.Id == story.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Images, images), ct);
            await db.MarkDoneAsync(story.Id, Stage, clock.GetUtcNow(), ct);
        }
    }
}

/// <summary>Narrates every page, and the whole book as one file, in the book's language.</summary>
public sealed class NarrationStage(IDbContextFactory<AppDbContext> contexts, INarrator narrator, IAssetStore assets, GenerationLedger ledger,
    IOptions<GenerationOptions> options, TimeProvider clock) : IPipelineStage
{
    public PipelineStages Stage => PipelineStages.Narration;

    public async Task RunAsync(Guid storyId, CancellationToken ct)
    {
        Story story;
        await using (var db = await contexts.CreateDbContextAsync(ct))
            story = await db.Stories.AsNoTracking().Include(s => s.Pages).SingleAsync(s => s.Id == storyId, ct);
        if (story.StagesDone.HasFlag(PipelineStages.Narration)) return;

        var pages = story.Pages.OrderBy(p => p.Number).ToList();
        var bookKey = AssetKeys.BookAudio(story.ShopId, story.Id);
        var work = pages.Select(p => (p.Number, Key: AssetKeys.PageAudio(story.ShopId, story.Id, p.Number), p.Text, Done: p.AudioStage == AssetStage.Done && p.AudioKey is not null)).ToList();
        work.Add((0, bookKey, $"{story.Title}. {string.Join(" ", pages.Select(p => p.Text))}", false));

        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.NarrationConcurrency), CancellationToken = ct }, async (item, token) =>
        {
            if ((item.Done || item.Number == 0) && await assets.ExistsAsync(item.Key, token)) return;
            var narration = await ledger.RecordAsync(story.Id, GenerationType.Audio, item.Number == 0 ? null : item.Number, narrator.Provider, item.Text, async t =>
            {
                await StoryBriefs.DelayAsync(options.Value.SimulatedAudioLatency, t);
                return await narrator.NarrateAsync(item.Text, story.Language, t);
            }, n => new { key = item.Key, n.Seconds }, token);
            await assets.PutAsync(item.Key, narration.Mp3, "audio/mpeg", token);
            if (item.Number == 0) return;
            await using var db = await contexts.CreateDbContextAsync(token);
            await db.StoryPages.Where(p => p.StoryId == story.Id && p.Number == item.Number)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.AudioKey, item.Key).SetProperty(p => p.AudioStage, AssetStage.Done), token);
        });

        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var files = work.Where(w => w.Number > 0).Select(w => w.Key).Append(bookKey).ToList();
            await db.Stories.Where(s => s.Id == story.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.AudioFiles, files), ct);
            await db.MarkDoneAsync(story.Id, Stage, clock.GetUtcNow(), ct);
        }
    }
}

/// <summary>Generated content that must not be used; retrying the stage would not change that.</summary>
public sealed class GeneratedContentRejectedException(string message) : Exception(message);
