namespace StorybookShop.Generation;

/// <summary>Screens text before it goes into a child's book.</summary>
public interface IContentModerator
{
    /// <summary>Whether it can judge a whole written story: a model reads context; a word list cannot ("the little
    /// bird had hurt its wing" is a kind sentence), so it screens what people write, not what the writer
    /// wrote.</summary>
    bool ScreensStories => true;

    /// <summary>
    /// One answer per text: true when it must not be used. <paramref name="thresholds"/> (category → score)
    /// are the shop's own limits; a category without one keeps the provider's verdict.
    /// </summary>
    Task<IReadOnlyList<bool>> FlaggedAsync(
        IReadOnlyList<string> texts,
        IReadOnlyDictionary<string, double>? thresholds,
        CancellationToken ct
    );
}
