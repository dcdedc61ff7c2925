using StorybookShop.Data;
using StorybookShop.Generation;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>A story row as the text stage would leave it, from a brief and the offline writer's plan (for tests that
/// need a story's pictures or layout without the pipeline).</summary>
public static class PlannedStory
{
    public static Story From(StoryBrief brief, StoryPlan plan) =>
        new()
        {
            Id = brief.StoryId,
            ChildName = brief.ChildName,
            AgeGroup = brief.AgeGroup,
            Genre = brief.Genre,
            Language = brief.Language,
            Title = plan.Title,
            Characters = [.. plan.Characters],
            Pages =
            [
                .. plan.Pages.Select(
                    (p, i) =>
                        new StoryPage
                        {
                            Number = i + 1,
                            Scene = p.Scene,
                            Text = p.Text,
                            IllustrationPrompt = p.IllustrationPrompt,
                        }
                ),
            ],
        };

    /// <summary>The cover's scene as the illustration plan composes it (everyone on it).</summary>
    public static Scene CoverScene(StoryBrief brief, StoryPlan plan) =>
        IllustrationPlan.For(From(brief, plan), new ShopSettings(), 3).Pictures.Single(p => p.Number == 0).Scene;
}
