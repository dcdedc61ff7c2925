namespace StorybookShop.Generation;

/// <summary>One page (or other text) to speak; <paramref name="PreviousRequestIds"/> are the provider's ids of the
/// pages before it.</summary>
public sealed record NarrationRequest(StoryBrief Brief, string Text, IReadOnlyList<string> PreviousRequestIds);
