namespace StorybookShop.Generation;

public sealed class GenerationOptions
{
    public const string Section = "Generation";

    /// <summary>The server's default providers: "offline" (no keys) or "openai"; audio also "elevenlabs". A shop's
    /// settings may choose another available one.</summary>
    public string TextProvider { get; set; } = Providers.Offline;
    public string ImageProvider { get; set; } = Providers.Offline;
    public string AudioProvider { get; set; } = Providers.Offline;

    /// <summary>Screens the shopper's words before a story is made: "offline" (default: word lists in en/es/fr, no
    /// key), "openai" (OpenAI's moderation model, which also screens every written story) or "none".</summary>
    public string ModerationProvider { get; set; } = Providers.Offline;

    /// <summary>Monthly provider spend per shop in USD when the shop sets none; null = no cap.</summary>
    public decimal? DefaultMonthlyBudgetUsd { get; set; }

    /// <summary>Pictures drawn at once for one story.</summary>
    public int IllustrationConcurrency { get; set; } = 2;

    /// <summary>Pages drawn (besides the cover) for a storefront preview before purchase.</summary>
    public int PreviewPages { get; set; } = 2;

    /// <summary>Pictures drawn at once for one shop on one node, unless the shop sets its own.</summary>
    public int ShopImageConcurrency { get; set; } = 4;

    /// <summary>Pages narrated at once for one story.</summary>
    public int NarrationConcurrency { get; set; } = 2;

    /// <summary>Added to every provider call: for load tests and benchmarks that simulate real latencies.</summary>
    public TimeSpan SimulatedTextLatency { get; set; }
    public TimeSpan SimulatedImageLatency { get; set; }
    public TimeSpan SimulatedAudioLatency { get; set; }

    public OfflineOptions Offline { get; set; } = new();
}
