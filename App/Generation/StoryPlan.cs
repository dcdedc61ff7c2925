using StorybookShop.Data;

namespace StorybookShop.Generation;

/// <summary>What the text stage produces: the whole story, ready to illustrate and narrate.</summary>
public sealed record StoryPlan(
    string Title,
    string Description,
    string Moral,
    IReadOnlyList<Character> Characters,
    IReadOnlyList<string> Settings,
    IReadOnlyList<PlannedPage> Pages,
    string StyleGuide
);
