namespace StorybookShop.Stories;

/// <summary>What to make again for one page (0 = the cover). New text is narrated again; a new prompt is drawn
/// again.</summary>
public sealed record RegeneratePageRequest(string? Text, string? IllustrationPrompt, IReadOnlyList<string>? Parts);
