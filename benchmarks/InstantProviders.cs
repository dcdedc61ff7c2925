using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.Offline;

namespace StorybookShop.Benchmarks;

/// <summary>
/// Providers "made instant": they answer at once with real, pre-made output (a 16-page offline story,
/// one real offline JPEG, one real espeak MP3), so the benchmark measures the pipeline, storage and
/// book rendering rather than the providers. They claim the name "offline", so the provider catalog uses them
/// in place of the real offline providers (the last registration of a name wins).
/// </summary>
public sealed class InstantWriter : IStoryWriter
{
    public const int Pages = 16;
    public string Provider => "offline";
    public bool AcceptsCorrections => false;

    public Task<ProviderResult<StoryPlan>> WriteAsync(StoryBrief brief, string? correction, CancellationToken ct)
    {
        var plan = OfflineStoryWriter.Write(brief with { AgeGroup = "7-9" });
        var pages = plan.Pages.Concat(plan.Pages).Take(Pages).ToList();
        return Task.FromResult(new ProviderResult<StoryPlan>(plan with { Pages = pages }, "instant", 0m));
    }
}

public sealed class InstantIllustrator(byte[] jpeg) : IIllustrator
{
    public string Provider => "offline";

    public Task<ProviderResult<byte[]>> DrawAsync(IllustrationRequest request, CancellationToken ct) =>
        Task.FromResult(new ProviderResult<byte[]>(jpeg, "instant", 0m));

    public Task<ProviderResult<byte[]>> DrawLineArtAsync(IllustrationRequest request, CancellationToken ct) =>
        DrawAsync(request, ct);
}

/// <summary>With <paramref name="continuity"/> the pages are spoken one after another, as ElevenLabs needs for
/// previous_request_ids.</summary>
public sealed class InstantNarrator(byte[] mp3, bool continuity = false) : INarrator
{
    public string Provider => "offline";
    public bool UsesContinuity => continuity;

    public Task<ProviderResult<Narration>> NarrateAsync(NarrationRequest request, CancellationToken ct) =>
        Task.FromResult(
            new ProviderResult<Narration>(new Narration(mp3, 5, null, Guid.NewGuid().ToString("N")), "instant", 0m)
        );
}

internal static class Samples
{
    public static StoryBrief Brief(string genre = "space") =>
        new(Guid.NewGuid(), "Mia", "7-9", genre, "en", null, [new Companion("Bolt", "robot")]);
}
