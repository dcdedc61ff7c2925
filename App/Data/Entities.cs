namespace StorybookShop.Data;

/// <summary>A Shopify store that installed the app, with its (encrypted) offline access token.</summary>
public sealed class Shop
{
    public Guid Id { get; set; }
    public required string Domain { get; set; }
    public string? Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? InstalledAt { get; set; }
    public DateTimeOffset? UninstalledAt { get; set; }
    /// <summary>Shopify's numeric shop id, as compliance webhooks send it.</summary>
    public long? ShopifyShopId { get; set; }
    public string? Scopes { get; set; }
    /// <summary>Encrypted with ASP.NET Data Protection; never logged.</summary>
    public string? AccessToken { get; set; }
    public DateTimeOffset? AccessTokenExpiresAt { get; set; }
    public string? RefreshToken { get; set; }
    public DateTimeOffset? RefreshTokenExpiresAt { get; set; }
    public bool NeedsReauth { get; set; }
    /// <summary>Provider spend allowed per calendar month (UTC), in USD; null = Generation:DefaultMonthlyBudgetUsd.</summary>
    public decimal? MonthlyBudgetUsd { get; set; }
    /// <summary>The merchant's choices; anything left null falls back to the server's configuration.</summary>
    public ShopSettings Settings { get; set; } = new();
}

/// <summary>Per-shop generation settings (jsonb). Null means "the server's default".</summary>
public sealed record ShopSettings
{
    /// <summary>"offline" or "openai".</summary>
    public string? TextProvider { get; init; }
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
    /// <summary>Moderation category → score from which text is refused (0..1); categories not listed use the provider's own verdict.</summary>
    public Dictionary<string, double>? ModerationThresholds { get; init; }
    /// <summary>The book's square trim in inches: 8, 8.5 (default) or 10; print files add 0.125 in bleed.</summary>
    public double? TrimInches { get; init; }
    /// <summary>The published product's price in the shop's currency; null = Publishing:DefaultPrice.</summary>
    public decimal? Price { get; init; }
    /// <summary>True (default): a storefront book makes only its text, cover and first pages before purchase; false: the whole book.</summary>
    public bool? PreviewBeforePurchase { get; init; }
    /// <summary>The products (numeric Shopify ids) that sell personalized books: only a paid line of one of these
    /// releases a book.</summary>
    public List<string>? BookProductIds { get; init; }
}

/// <summary>A paid book handed to its buyer: a secret, expiring download page per order, and the Shopify fulfillment that emailed it.</summary>
public sealed class Delivery
{
    public Guid Id { get; set; }
    public Guid ShopId { get; set; }
    public Guid StoryId { get; set; }
    public required string OrderId { get; set; }
    /// <summary>The paid order line (Shopify's line item id); one delivery per line and story.</summary>
    public required string LineItemId { get; set; }
    /// <summary>The buyer, when Shopify shares it (protected customer data); erased by customers/redact.</summary>
    public string? CustomerId { get; set; }
    /// <summary>The download page's secret (URL-safe, 32 random bytes).</summary>
    public required string Token { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? FulfillmentId { get; set; }
}

public enum WebhookStatus { Received, Processing, Processed, Failed }

/// <summary>One webhook delivery as Shopify sent it; the unique event id makes repeats harmless.</summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }
    public required string EventId { get; set; }
    public string? WebhookId { get; set; }
    public required string Topic { get; set; }
    public required string ShopDomain { get; set; }
    public string? ApiVersion { get; set; }
    public DateTimeOffset? TriggeredAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public required string Payload { get; set; }
    public WebhookStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
    public string? Error { get; set; }
}

/// <summary>What we hold about one customer, produced for a customers/data_request.</summary>
public sealed class DataExport
{
    public Guid Id { get; set; }
    public Guid ShopId { get; set; }
    public required string CustomerId { get; set; }
    public string? DataRequestId { get; set; }
    public required string Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>ASP.NET Data Protection keys, shared by every node through the database.</summary>
public sealed class DataProtectionKey
{
    public int Id { get; set; }
    public string? FriendlyName { get; set; }
    public required string Xml { get; set; }
}

/// <summary>Preview: the text, cover and first pages are made and the rest waits for the order to be paid.</summary>
public enum StoryStatus { Draft, Generating, Complete, Published, Error, Archived, Preview }

/// <summary>The pipeline's stages. Flags, because illustrations and narration run side by side.</summary>
[Flags]
public enum PipelineStages
{
    None = 0,
    Text = 1,
    Illustrations = 2,
    Narration = 4,
    Book = 8,
    All = Text | Illustrations | Narration | Book,
}

public enum AssetStage { Pending, Done, Failed }

public sealed record Character(string Name, string Role, string VisualDescription, string Kind);

public sealed record Companion(string Name, string Kind);

/// <summary>One spoken word and where it sits in the page's audio, in seconds.</summary>
public sealed record WordTiming(string Word, double Start, double End);

public sealed class Story
{
    public Guid Id { get; set; }
    public Guid ShopId { get; set; }
    public Shop? Shop { get; set; }
    public string? ShopifyCustomerId { get; set; }
    public string? ShopifyProductId { get; set; }
    public string? ShopifyOrderId { get; set; }

    // The personalization the shopper gave (personal data: covered by customers/redact).
    public required string ChildName { get; set; }
    public required string AgeGroup { get; set; }
    public required string Genre { get; set; }
    public string Language { get; set; } = "en";
    public string? MoralLesson { get; set; }
    public List<Companion> Companions { get; set; } = [];

    // What the text stage wrote.
    public string? Title { get; set; }
    public string? Description { get; set; }
    public List<Character> Characters { get; set; } = [];
    public List<string> Settings { get; set; } = [];
    public List<StoryPage> Pages { get; set; } = [];

    // Asset keys in the asset store (URLs are signed per request).
    public string? CoverImage { get; set; }
    public List<string> Images { get; set; } = [];
    public List<string> AudioFiles { get; set; } = [];
    public string? PdfUrl { get; set; }
    public string? PrintPdfKey { get; set; }
    /// <summary>EPUB 3 with media overlays (read-along), when the narration has word timings.</summary>
    public string? EpubKey { get; set; }

    public StoryStatus Status { get; set; } = StoryStatus.Draft;
    public PipelineStages StagesDone { get; set; }
    public string? FailureReason { get; set; }
    public long? GenerationTimeMs { get; set; }
    public int WordCount { get; set; }
    public int PageCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? GenerationStartedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    /// <summary>False while a storefront preview waits for payment: only text, cover and the first pages are made.</summary>
    public bool Released { get; set; } = true;
    public DateTimeOffset? PaidAt { get; set; }
}

/// <summary>One page of the story: its text, the picture brief, and where its assets are.</summary>
public sealed class StoryPage
{
    public Guid Id { get; set; }
    public Guid StoryId { get; set; }
    public int Number { get; set; }
    public required string Text { get; set; }
    public required string IllustrationPrompt { get; set; }
    public required Scene Scene { get; set; }
    public string? ImageKey { get; set; }
    public AssetStage ImageStage { get; set; }
    public string? AudioKey { get; set; }
    public AssetStage AudioStage { get; set; }
    public double? AudioSeconds { get; set; }
    /// <summary>When the narrator gives them: each word's start and end in the page's audio, for read-along.</summary>
    public List<WordTiming>? Words { get; set; }
    /// <summary>The narration provider's request id, passed on as previous_request_ids for voice continuity.</summary>
    public string? AudioRequestId { get; set; }
    /// <summary>Why this page's picture or narration was refused, until it is regenerated.</summary>
    public string? Error { get; set; }
}

/// <summary>What an offline illustrator needs to draw a page; AI illustrators use the prompt instead.</summary>
public sealed record Scene(string Setting, string TimeOfDay, IReadOnlyList<string> Cast, string? Prop, string Mood);

public enum GenerationType { Text, Image, Audio, Pdf }

/// <summary>One provider call: what was asked, what came back, what it cost and how long it took.</summary>
public sealed class Generation
{
    public Guid Id { get; set; }
    public Guid StoryId { get; set; }
    public GenerationType Type { get; set; }
    public int? PageNumber { get; set; }
    public required string Prompt { get; set; }
    public string? Result { get; set; }
    public string? Error { get; set; }
    public decimal Cost { get; set; }
    public int DurationMs { get; set; }
    public required string Provider { get; set; }
    public string? Model { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
