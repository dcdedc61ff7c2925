namespace StorybookShop.Generation;

public interface IStoryWriter
{
    string Provider { get; }

    /// <summary>Whether a second call with the problems found can produce a better story (the offline writer
    /// cannot).</summary>
    bool AcceptsCorrections { get; }

    /// <summary>Writes the story; <paramref name="correction"/> lists what was wrong with the previous
    /// attempt.</summary>
    Task<ProviderResult<StoryPlan>> WriteAsync(StoryBrief brief, string? correction, CancellationToken ct);
}
