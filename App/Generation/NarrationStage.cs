using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Storage;

namespace StorybookShop.Generation;

/// <summary>
/// Narrates every page in the book's language, keeping word timings when the provider gives them, then joins
/// the pages into one file for the whole book. Providers that carry the voice from page to page
/// (ElevenLabs) speak the pages in order; others speak a few at a time. A refused page fails only itself.
/// </summary>
public sealed class NarrationStage(
    IDbContextFactory<AppDbContext> contexts,
    ProviderCatalog providers,
    IAssetStore assets,
    GenerationLedger ledger,
    IOptions<GenerationOptions> options,
    TimeProvider clock
) : IPipelineStage
{
    public PipelineStages Stage => PipelineStages.Narration;

    public async Task RunAsync(Story story, CancellationToken ct)
    {
        if (story.StagesDone.HasFlag(PipelineStages.Narration))
            return;
        var brief = StoryBriefs.For(story);
        var narrator = providers.Narrator(brief.Settings);
        var pages = story.Pages.OrderBy(p => p.Number).ToList();
        var speaking = new Speaking(contexts, assets, ledger, options.Value, story, brief, narrator, pages);
        if (narrator.UsesContinuity)
            foreach (var page in pages)
                await speaking.PageAsync(page, ct);
        else
            await Parallel.ForEachAsync(
                pages,
                new ParallelOptions
                {
                    MaxDegreeOfParallelism = Math.Max(1, options.Value.NarrationConcurrency),
                    CancellationToken = ct,
                },
                speaking.PageAsync
            );
        if (!speaking.Refused.IsEmpty)
            throw new PagesFailedException(Stage, [.. speaking.Refused]);
        await JoinAsync(story, pages, ct);
    }

    /// <summary>The whole book is the pages joined: no second, paid narration of the same text.</summary>
    private async Task JoinAsync(Story story, List<StoryPage> pages, CancellationToken ct)
    {
        var parts = new List<byte[]>();
        foreach (var page in pages)
            parts.Add(
                await assets.GetAsync(AssetKeys.PageAudio(story.ShopId, story.Id, page.Number), ct)
                    ?? throw new InvalidOperationException(
                        $"Page {page.Number}'s narration is missing from the asset store."
                    )
            );
        var bookKey = AssetKeys.BookAudio(story.ShopId, story.Id);
        await assets.PutAsync(bookKey, Audio.Mp3.Concat(parts), "audio/mpeg", ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var files = pages.Select(p => AssetKeys.PageAudio(story.ShopId, story.Id, p.Number)).Append(bookKey).ToList();
        await db
            .Stories.Where(s => s.Id == story.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.AudioFiles, files), ct);
        await db.MarkDoneAsync(story.Id, Stage, clock.GetUtcNow(), ct);
    }

    /// <summary>One page spoken, stored and written on the story, carrying the voice on from the pages before when the
    /// provider keeps continuity; a refusal fails only the page.</summary>
    private sealed class Speaking(
        IDbContextFactory<AppDbContext> contexts,
        IAssetStore assets,
        GenerationLedger ledger,
        GenerationOptions options,
        Story story,
        StoryBrief brief,
        INarrator narrator,
        List<StoryPage> pages
    )
    {
        // Request ids of the pages spoken so far, by page: a resumed stage carries the voice on from where it stopped.
        private readonly ConcurrentDictionary<int, string> _requestIds = new(
            pages
                .Where(p => p.AudioStage == AssetStage.Done && p.AudioRequestId is not null)
                .ToDictionary(p => p.Number, p => p.AudioRequestId!)
        );

        public ConcurrentBag<(int Number, string Error)> Refused { get; } = [];

        public async ValueTask PageAsync(StoryPage page, CancellationToken ct)
        {
            var key = AssetKeys.PageAudio(story.ShopId, story.Id, page.Number);
            if (page.AudioStage == AssetStage.Done && page.AudioKey is not null && await assets.ExistsAsync(key, ct))
                return;
            var previous = narrator.UsesContinuity
                ? _requestIds
                    .Where(r => r.Key < page.Number)
                    .OrderBy(r => r.Key)
                    .TakeLast(3)
                    .Select(r => r.Value)
                    .ToList()
                : [];
            Narration narration;
            try
            {
                narration = await ledger.RecordAsync(
                    story.Id,
                    GenerationType.Audio,
                    page.Number,
                    narrator.Provider,
                    page.Text,
                    async t =>
                    {
                        await StoryBriefs.DelayAsync(options.SimulatedAudioLatency, t);
                        return await narrator.NarrateAsync(new NarrationRequest(brief, page.Text, previous), t);
                    },
                    n => new
                    {
                        key,
                        seconds = Math.Round(n.Seconds, 2),
                        words = n.Words?.Count,
                    },
                    ct
                );
            }
            catch (Exception e) when (StoryStageJob.IsPermanent(e))
            {
                Refused.Add((page.Number, e.Message));
                await using var failed = await contexts.CreateDbContextAsync(ct);
                await failed.MarkPageFailedAsync(
                    story.Id,
                    page.Number,
                    PipelineStages.Narration,
                    $"Narration refused: {e.Message}",
                    ct
                );
                return;
            }
            await SaveAsync(page.Number, key, narration, ct);
        }

        /// <summary>The page's audio stored and recorded on the page (with its word timings and request id).</summary>
        private async Task SaveAsync(int number, string key, Narration narration, CancellationToken ct)
        {
            await assets.PutAsync(key, narration.Mp3, "audio/mpeg", ct);
            if (narration.RequestId is not null)
                _requestIds[number] = narration.RequestId;
            var words = narration.Words?.ToList();
            await using var db = await contexts.CreateDbContextAsync(ct);
            await db
                .StoryPages.Where(p => p.StoryId == story.Id && p.Number == number)
                .ExecuteUpdateAsync(
                    u =>
                        u.SetProperty(p => p.AudioKey, key)
                            .SetProperty(p => p.AudioStage, AssetStage.Done)
                            .SetProperty(p => p.AudioSeconds, narration.Seconds)
                            .SetProperty(p => p.Words, words)
                            .SetProperty(p => p.AudioRequestId, narration.RequestId),
                    ct
                );
        }
    }
}
