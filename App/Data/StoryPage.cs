namespace StorybookShop.Data;

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
