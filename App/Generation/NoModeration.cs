namespace StorybookShop.Generation;

/// <summary>Without keys there is no moderation service: nothing is flagged (the offline writer uses its own vetted
/// text).</summary>
public sealed class NoModeration : IContentModerator
{
    public Task<IReadOnlyList<bool>> FlaggedAsync(
        IReadOnlyList<string> texts,
        IReadOnlyDictionary<string, double>? thresholds,
        CancellationToken ct
    ) => Task.FromResult<IReadOnlyList<bool>>(texts.Select(_ => false).ToList());
}
