namespace StorybookShop.Data;

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

    /// <summary>The colouring book (every scene as line art), when the shop makes colouring pages.</summary>
    public string? ColouringPdfKey { get; set; }

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

    /// <summary>False while a storefront preview waits for payment: only text, cover and the first pages are
    /// made.</summary>
    public bool Released { get; set; } = true;
    public DateTimeOffset? PaidAt { get; set; }

    /// <summary>Started by a shopper on the storefront (a preview that may or may not be paid for).</summary>
    public bool StartedOnStorefront { get; set; }

    // The story writer's experiment (Experiments): the arm this story was assigned to, once, when it was made.
    public Guid? ExperimentId { get; set; }
    public string? ExperimentArm { get; set; }

    /// <summary>Drafts sent back because they did not fit the age band (the one corrective retry).</summary>
    public int TextCorrections { get; set; }

    /// <summary>Drafts rewritten because moderation flagged them.</summary>
    public int ModerationRewrites { get; set; }

    /// <summary>Pages whose text the merchant rewrote.</summary>
    public int TextRegenerations { get; set; }
}
