namespace StorybookShop.Data;

/// <summary>Per-shop generation settings (jsonb). Null means "the server's default".</summary>
public sealed record ShopSettings
{
    /// <summary>"offline", "openai", "anthropic" or "compatible".</summary>
    public string? TextProvider { get; init; }

    /// <summary>The text provider's model; null = the server's. Set by stopping an experiment with a chosen
    /// arm.</summary>
    public string? TextModel { get; init; }

    /// <summary>The story prompt's variant (standard, playful, rhyming); null = standard.</summary>
    public string? PromptVariant { get; init; }

    /// <summary>"offline" or "openai".</summary>
    public string? ImageProvider { get; init; }

    /// <summary>"offline", "openai" or "elevenlabs".</summary>
    public string? AudioProvider { get; init; }

    /// <summary>The narrator's voice: an ElevenLabs voice id or an OpenAI voice name.</summary>
    public string? Voice { get; init; }

    /// <summary>Added to every picture prompt, e.g. "watercolour, soft pastel palette".</summary>
    public string? IllustrationStyle { get; init; }

    /// <summary>Pictures drawn at once for this shop on one node (the global limit still applies).</summary>
    public int? ImageConcurrency { get; init; }

    /// <summary>Moderation category → score from which text is refused (0..1); categories not listed use the provider's
    /// own verdict.</summary>
    public Dictionary<string, double>? ModerationThresholds { get; init; }

    /// <summary>The book's square trim in inches: 8, 8.5 (default) or 10; print files add 0.125 in bleed.</summary>
    public double? TrimInches { get; init; }

    /// <summary>The printed book's paper: <c>white</c> (default), <c>cream</c> or <c>color</c> (premium colour); it
    /// sets the spine's width on the cover wrap.</summary>
    public string? Paper { get; init; }

    /// <summary>Pictures drawn at print resolution (300 DPI at their printed size) by the offline
    /// illustrator.</summary>
    public bool? PrintResolution { get; init; }

    /// <summary>Colouring pages of the book's own scenes instead of blank drawing pages at the end of the
    /// book.</summary>
    public bool? ColouringPages { get; init; }

    /// <summary>The published product's price in the shop's currency; null = Publishing:DefaultPrice.</summary>
    public decimal? Price { get; init; }

    /// <summary>True (default): a storefront book makes only its text, cover and first pages before purchase; false:
    /// the whole book.</summary>
    public bool? PreviewBeforePurchase { get; init; }

    /// <summary>The products (numeric Shopify ids) that sell personalized books: only a paid line of one of these
    /// releases a book.</summary>
    public List<string>? BookProductIds { get; init; }
}
