using StorybookShop.Data;

namespace StorybookShop.Generation;

/// <summary>Everything a writer needs to know about the book it is asked for.</summary>
public sealed record StoryBrief(
    Guid StoryId,
    string ChildName,
    string AgeGroup,
    string Genre,
    string Language,
    string? Moral,
    IReadOnlyList<Companion> Companions
)
{
    /// <summary>The shop the book is for: per-shop limits and settings hang off it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Guid ShopId { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public ShopSettings Settings { get; init; } = new();

    /// <summary>The writer's model for this story (an experiment arm's or the shop's); null = the provider's default.
    /// For the offline writer, a story arc.</summary>
    [System.Text.Json.Serialization.JsonIgnore(
        Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull
    )]
    public string? TextModel { get; init; }

    /// <summary>A prompt variant (<see cref="Text.StoryPrompt.Variants"/>); null = standard.</summary>
    [System.Text.Json.Serialization.JsonIgnore(
        Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull
    )]
    public string? PromptVariant { get; init; }
}
