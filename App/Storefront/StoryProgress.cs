using StorybookShop.Data;

namespace StorybookShop.Storefront;

/// <summary>A story's progress as the storefront shows it.</summary>
public sealed record StoryProgress(Guid Id, StoryStatus Status, int Percent, string? Title, bool Released)
{
    public bool Finished => Status is not (StoryStatus.Generating or StoryStatus.Draft);
}
