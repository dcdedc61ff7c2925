using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Catalog;
using StorybookShop.Data;
using StorybookShop.Generation.Text;
using StorybookShop.Stories;

namespace StorybookShop.Generation;

/// <summary>Writes the story: title, characters with fixed looks, and every page's text and picture brief.</summary>
public sealed class TextStage(
    IDbContextFactory<AppDbContext> contexts,
    ProviderCatalog providers,
    GenerationLedger ledger,
    IContentModerator moderator,
    IOptions<GenerationOptions> options,
    TimeProvider clock
) : IPipelineStage
{
    public PipelineStages Stage => PipelineStages.Text;

    public async Task RunAsync(Story story, CancellationToken ct)
    {
        if (story.StagesDone.HasFlag(PipelineStages.Text))
            return;
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Stories.Attach(story); // the job's story: its changes below are saved in one SaveChanges

        // The writer: the story's experiment arm (assigned once, when the story was made), or the shop's choice.
        var spec = await TextSpec.ForAsync(db, story, providers, ct);
        var writer = providers.Writer(spec.Provider);
        // A provider no longer configured falls back to the server's: the arm's model means nothing to that one.
        var brief = StoryBriefs.For(story) with
        {
            TextModel = writer.Provider == spec.Provider ? spec.Model : null,
            PromptVariant = spec.PromptVariant,
        };
        var (plan, corrections, rewrites) = await WriteAsync(story.Id, writer, brief, ct);

        // The plan, its pages and the stage flag land in one SaveChanges: a crash leaves all or nothing.
        db.StoryPages.RemoveRange(story.Pages);
        db.StoryPages.AddRange(
            plan.Pages.Select(
                (p, i) =>
                    new StoryPage
                    {
                        Id = Guid.NewGuid(),
                        StoryId = story.Id,
                        Number = i + 1,
                        Text = p.Text,
                        IllustrationPrompt = p.IllustrationPrompt,
                        Scene = p.Scene,
                    }
            )
        );
        story.Title = plan.Title;
        story.Description = plan.Description;
        story.Characters = [.. plan.Characters];
        story.Settings = [.. plan.Settings];
        story.MoralLesson ??= plan.Moral;
        story.WordCount = plan.Pages.Sum(p => ReadingLevel.Words(p.Text));
        story.TextCorrections = corrections;
        story.ModerationRewrites = rewrites;
        story.StagesDone |= PipelineStages.Text;
        story.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The story from the writer: one corrective retry when it does not fit its age band (then accepted with the
    /// warning on record), and one rewrite when moderation flags it (flagged twice, the story stops with the reason).
    /// </summary>
    private async Task<(StoryPlan Plan, int Corrections, int Rewrites)> WriteAsync(
        Guid storyId,
        IStoryWriter writer,
        StoryBrief brief,
        CancellationToken ct
    )
    {
        var prompt = JsonSerializer.Serialize(brief);
        string? correction = null;
        int corrections = 0,
            rewrites = 0;
        for (var attempt = 1; ; attempt++)
        {
            var final = attempt == 2 || !writer.AcceptsCorrections;
            var (plan, problems) = await DraftAsync(storyId, writer, brief, prompt, correction, final, ct);
            IReadOnlyList<bool> flags = moderator.ScreensStories
                ? await moderator.FlaggedAsync(
                    [plan.Title, .. plan.Pages.Select(p => p.Text)],
                    brief.Settings.ModerationThresholds,
                    ct
                )
                : [];
            if (flags.Any(f => f))
            {
                if (attempt >= 2 || !writer.AcceptsCorrections)
                    throw new GeneratedContentRejectedException(
                        "The written story was flagged by moderation twice; it will not be used."
                    );
                correction =
                    "Parts of the previous draft were flagged as unsuitable for children. Keep everything gentle, "
                    + "kind and safe.";
                rewrites++;
                continue;
            }
            if (problems.Count == 0 || final)
                return (plan, corrections, rewrites);
            correction = string.Join(" ", problems);
            corrections++;
        }
    }

    /// <summary>One draft from the writer, recorded in the ledger with its age-band problems (none for a writer that
    /// takes no corrections).</summary>
    private async Task<(StoryPlan Plan, IReadOnlyList<string> Problems)> DraftAsync(
        Guid storyId,
        IStoryWriter writer,
        StoryBrief brief,
        string prompt,
        string? sent,
        bool final,
        CancellationToken ct
    )
    {
        IReadOnlyList<string> problems = [];
        var plan = await ledger.RecordAsync(
            storyId,
            GenerationType.Text,
            null,
            writer.Provider,
            sent is null ? prompt : prompt + "\nCorrection: " + sent,
            async token =>
            {
                await StoryBriefs.DelayAsync(options.Value.SimulatedTextLatency, token);
                return await writer.WriteAsync(brief, sent, token);
            },
            p =>
            {
                problems = writer.AcceptsCorrections ? StoryPlanCheck.Problems(p, brief) : [];
                return new
                {
                    p.Title,
                    pages = p.Pages.Count,
                    words = p.Pages.Sum(x => ReadingLevel.Words(x.Text)),
                    warnings = problems.Count == 0 ? null : problems,
                    outcome = problems.Count == 0 ? "accepted"
                    : final ? "accepted with warnings"
                    : "sent back",
                };
            },
            ct
        );
        return (plan, problems);
    }
}
