using StorybookShop.Data;

namespace StorybookShop.Generation;

/// <summary>One picture to draw: a page (PageNumber ≥ 1) or the cover (PageNumber 0, with the title).</summary>
public sealed record IllustrationRequest(
    StoryBrief Brief,
    int PageNumber,
    string Prompt,
    Scene Scene,
    IReadOnlyList<Character> Characters,
    string StyleGuide,
    string? Title
);
