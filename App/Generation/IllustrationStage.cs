using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Storage;

namespace StorybookShop.Generation;

/// <summary>
/// Draws what the <see cref="IllustrationPlan"/> says — the cover and one picture per page, a few at a time, then the
/// colouring pages' line art — skipping pictures already stored. A picture the provider refuses fails only that page:
/// the rest are drawn, and the page can be regenerated later.
/// </summary>
public sealed class IllustrationStage(
    IDbContextFactory<AppDbContext> contexts,
    ProviderCatalog providers,
    IAssetStore assets,
    GenerationLedger ledger,
    IOptions<GenerationOptions> options,
    TimeProvider clock
) : IPipelineStage
{
    public PipelineStages Stage => PipelineStages.Illustrations;

    public async Task RunAsync(Story story, CancellationToken ct)
    {
        if (story.StagesDone.HasFlag(PipelineStages.Illustrations))
            return;
        var brief = StoryBriefs.For(story);
        var plan = IllustrationPlan.For(story, brief.Settings, options.Value.PreviewPages);
        var refused = new ConcurrentBag<(int Number, string Error)>();
        // Pages drawn (again) in this run: their line art is drawn again too (a regenerated picture).
        var drawn = new ConcurrentBag<int>();
        var draw = new Drawing(
            contexts,
            assets,
            ledger,
            options.Value,
            providers.Illustrator(brief.Settings),
            providers.ImageSlots(story.ShopId, brief.Settings),
            story,
            brief,
            plan.Style,
            refused
        );
        await ForEachAsync(
            plan.Pictures,
            async (picture, t) =>
            {
                if (await draw.PictureAsync(picture, lineArt: false, t))
                    drawn.Add(picture.Number);
            },
            ct
        );
        await ForEachAsync(
            plan.LineArt.Where(l => refused.All(r => r.Number != l.Number)),
            async (line, t) =>
                await draw.PictureAsync(line with { Stored = !drawn.Contains(line.Number) }, lineArt: true, t),
            ct
        );
        if (!refused.IsEmpty)
            throw new PagesFailedException(Stage, [.. refused]);
        await CommitAsync(story, plan, ct);
    }

    private Task ForEachAsync(
        IEnumerable<IllustrationPlan.Picture> items,
        Func<IllustrationPlan.Picture, CancellationToken, ValueTask> body,
        CancellationToken ct
    ) =>
        Parallel.ForEachAsync(
            items,
            new ParallelOptions
            {
                MaxDegreeOfParallelism = Math.Max(1, options.Value.IllustrationConcurrency),
                CancellationToken = ct,
            },
            body
        );

    /// <summary>A preview waits for payment (unless it was paid meanwhile); a whole book records its pictures and the
    /// stage as done.</summary>
    private async Task CommitAsync(Story story, IllustrationPlan plan, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!story.Released)
        {
            var waiting = await db
                .Stories.Where(s => s.Id == story.Id && !s.Released)
                .Where(StoryLifecycle.Preview.Allowed)
                .ExecuteUpdateAsync(u => StoryLifecycle.Preview.Set(u, clock.GetUtcNow()), ct);
            // Paid while the preview was being drawn: draw the rest now (finished pictures are skipped).
            if (waiting == 0)
                await RunAsync(await db.LoadAsync(story.Id, ct), ct);
            return;
        }
        var images = plan.Pictures.Where(p => p.Number > 0).Select(p => p.Key).ToList();
        await db.Stories.Where(s => s.Id == story.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Images, images), ct);
        await db.MarkDoneAsync(story.Id, Stage, clock.GetUtcNow(), ct);
    }

    /// <summary>The one draw step: a picture (or its line art) through the shop's provider, within the shop's picture
    /// slots, recorded in the ledger, stored, and written on the story.</summary>
    private sealed class Drawing(
        IDbContextFactory<AppDbContext> contexts,
        IAssetStore assets,
        GenerationLedger ledger,
        GenerationOptions options,
        IIllustrator illustrator,
        SemaphoreSlim slots,
        Story story,
        StoryBrief brief,
        string style,
        ConcurrentBag<(int Number, string Error)> refused
    )
    {
        /// <summary>True when it drew (false: already stored, or refused).</summary>
        public async Task<bool> PictureAsync(IllustrationPlan.Picture picture, bool lineArt, CancellationToken ct)
        {
            if (picture.Stored && await assets.ExistsAsync(picture.Key, ct))
                return false;
            var request = picture.Request(brief, story.Characters, style, lineArt);
            byte[] jpeg;
            await slots.WaitAsync(ct);
            try
            {
                jpeg = await ledger.RecordAsync(
                    story.Id,
                    GenerationType.Image,
                    picture.Number,
                    illustrator.Provider,
                    lineArt ? IIllustrator.LineArtPrompt(request) : request.Prompt,
                    t => lineArt ? illustrator.DrawLineArtAsync(request, t) : DrawAsync(request, t),
                    _ => lineArt ? new { key = picture.Key, lineArt = true } : (object)new { key = picture.Key },
                    ct
                );
            }
            catch (Exception e) when (StoryStageJob.IsPermanent(e))
            {
                refused.Add((picture.Number, e.Message));
                await using var failed = await contexts.CreateDbContextAsync(ct);
                if (picture.Number > 0)
                    await failed.MarkPageFailedAsync(
                        story.Id,
                        picture.Number,
                        PipelineStages.Illustrations,
                        $"{(lineArt ? "Colouring page" : "Picture")} refused: {e.Message}",
                        ct
                    );
                return false;
            }
            finally
            {
                slots.Release();
            }
            await assets.PutAsync(picture.Key, jpeg, "image/jpeg", ct);
            if (!lineArt)
            {
                // A redrawn picture's old thumbnail goes; the admin makes thumbnails when it first shows the story
                // (Thumbnails.EnsureAsync), so a book nobody opens there costs none.
                await assets.DeletePrefixAsync(Thumbnails.KeyFor(picture.Key), ct);
                await RecordAsync(picture, ct);
            }
            return true;
        }

        private async Task<ProviderResult<byte[]>> DrawAsync(IllustrationRequest request, CancellationToken ct)
        {
            await StoryBriefs.DelayAsync(options.SimulatedImageLatency, ct);
            return await illustrator.DrawAsync(request, ct);
        }

        private async Task RecordAsync(IllustrationPlan.Picture picture, CancellationToken ct)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            if (picture.Number == 0)
                await db
                    .Stories.Where(s => s.Id == story.Id)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.CoverImage, picture.Key), ct);
            else
                await db
                    .StoryPages.Where(p => p.StoryId == story.Id && p.Number == picture.Number)
                    .ExecuteUpdateAsync(
                        u =>
                            u.SetProperty(p => p.ImageKey, picture.Key).SetProperty(p => p.ImageStage, AssetStage.Done),
                        ct
                    );
        }
    }
}
