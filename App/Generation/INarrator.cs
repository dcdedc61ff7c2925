namespace StorybookShop.Generation;

public interface INarrator
{
    string Provider { get; }

    /// <summary>True when each page should be spoken after the one before it, passing its request id on (voice
    /// continuity).</summary>
    bool UsesContinuity { get; }
    Task<ProviderResult<Narration>> NarrateAsync(NarrationRequest request, CancellationToken ct);
}
