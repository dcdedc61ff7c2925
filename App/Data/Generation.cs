namespace StorybookShop.Data;

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

    /// <summary>The story's experiment arm when the call was made (copied from the story).</summary>
    public string? ExperimentArm { get; set; }
}
