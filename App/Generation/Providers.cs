using StorybookShop.Data;

namespace StorybookShop.Generation;

/// <summary>Everything a writer needs to know about the book it is asked for.</summary>
public sealed record StoryBrief(
    Guid StoryId, string ChildName, string AgeGroup, string Genre, string Language, string? Moral, IReadOnlyList<Companion> Companions)
{
    /// <summary>The shop the book is for: per-shop limits and settings hang off it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Guid ShopId { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public ShopSettings Settings { get; init; } = new();
}

public sealed record PlannedPage(string Text, string IllustrationPrompt, Scene Scene);

/// <summary>What the text stage produces: the whole story, ready to illustrate and narrate.</summary>
public sealed record StoryPlan(
    string Title, string Description, string Moral, IReadOnlyList<Character> Characters, IReadOnlyList<string> Settings,
    IReadOnlyList<PlannedPage> Pages, string StyleGuide);

/// <summary>A provider's answer plus what the ledger should know about the call.</summary>
public sealed record ProviderResult<T>(T Value, string Model, decimal Cost, object? Details = null);

public interface IStoryWriter
{
    string Provider { get; }
    /// <summary>Whether a second call with the problems found can produce a better story (the offline writer cannot).</summary>
    bool AcceptsCorrections { get; }
    /// <summary>Writes the story; <paramref name="correction"/> lists what was wrong with the previous attempt.</summary>
    Task<ProviderResult<StoryPlan>> WriteAsync(StoryBrief brief, string? correction, CancellationToken ct);
}

/// <summary>One picture to draw: a page (PageNumber ≥ 1) or the cover (PageNumber 0, with the title).</summary>
public sealed record IllustrationRequest(
    StoryBrief Brief, int PageNumber, string Prompt, Scene Scene, IReadOnlyList<Character> Characters, string StyleGuide, string? Title);

public interface IIllustrator
{
    string Provider { get; }
    /// <summary>Returns a JPEG: in the PDF a JPEG is copied as-is, a PNG is re-encoded and grows.</summary>
    Task<ProviderResult<byte[]>> DrawAsync(IllustrationRequest request, CancellationToken ct);
}

/// <summary>One page (or other text) to speak; <paramref name="PreviousRequestIds"/> are the provider's ids of the pages before it.</summary>
public sealed record NarrationRequest(StoryBrief Brief, string Text, IReadOnlyList<string> PreviousRequestIds);

/// <summary>MP3 audio, its length, the word timings when the provider gives them, and the provider's request id.</summary>
public sealed record Narration(byte[] Mp3, double Seconds, IReadOnlyList<WordTiming>? Words, string? RequestId = null);

public interface INarrator
{
    string Provider { get; }
    /// <summary>True when each page should be spoken after the one before it, passing its request id on (voice continuity).</summary>
    bool UsesContinuity { get; }
    Task<ProviderResult<Narration>> NarrateAsync(NarrationRequest request, CancellationToken ct);
}
