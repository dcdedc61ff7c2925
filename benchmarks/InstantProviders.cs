using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.Offline;

namespace StorybookShop.Benchmarks;

/// <summary>
/// Providers "made instant": they answer at once with real, pre-made output (a 16-page offline story,
/// one real offline JPEG, one real espeak MP3), so the benchmark measures the pipeline, storage and
/// book rendering rather than the providers.
/// </summary>
public sealed class InstantWriter : IStoryWriter
{
    public const int Pages = 16;
    public string Provider => "instant";
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
    public string Provider => "instant";
    public Task<ProviderResult<byte[]>> DrawAsync(IllustrationRequest request, CancellationToken ct) =>
        Task.FromResult(new ProviderResult<byte[]>(jpeg, "instant", 0m));
}

public sealed class InstantNarrator(byte[] mp3) : INarrator
{
    public string Provider => "instant";
    public Task<ProviderResult<Narration>> NarrateAsync(string text, string language, CancellationToken ct) =>
        Task.FromResult(new ProviderResult<Narration>(new Narration(mp3, 5, null), "instant", 0m));
}

internal static class Samples
{
    public static StoryBrief Brief(string genre = "space") => new(Guid.NewGuid(), "Mia", "7-9", genre, "en", null, [new Companion("Bolt", "robot")]);
}
