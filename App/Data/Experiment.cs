namespace StorybookShop.Data;

/// <summary>
/// A shop's A/B test of story writers: two or more arms, a split, a window. Each new story in the window is assigned
/// to one arm once (<see cref="Story.ExperimentArm"/>); stopping it with a chosen arm makes that arm the shop's writer.
/// </summary>
public sealed class Experiment
{
    public Guid Id { get; set; }
    public Guid ShopId { get; set; }
    public required string Name { get; set; }
    public List<ExperimentArm> Arms { get; set; } = [];
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Set when the merchant stops it (before <see cref="EndsAt"/> or after).</summary>
    public DateTimeOffset? StoppedAt { get; set; }

    /// <summary>The arm new stories go to after the stop (its writer became the shop's).</summary>
    public string? ChosenArm { get; set; }

    /// <summary>Whether a story made at <paramref name="now"/> takes part.</summary>
    public bool RunsAt(DateTimeOffset now) => StoppedAt is null && StartsAt <= now && now < EndsAt;
}

/// <summary>One side of an experiment: a writer (provider + model + prompt variant) and its share of new
/// stories.</summary>
/// <param name="Key">Short name, unique in the experiment (<c>a</c>, <c>claude</c>).</param>
/// <param name="Provider"><c>offline</c>, <c>openai</c>, <c>anthropic</c> or <c>compatible</c>.</param>
/// <param name="Model">The provider's model; null = the server's. For <c>offline</c>, a story arc (quest, rescue,
/// night) or null for the arc the story id picks.</param>
/// <param name="PromptVariant">null or <c>standard</c>, <c>playful</c>, <c>rhyming</c> (chat writers).</param>
/// <param name="Weight">Its share: weights 1 and 1 are a 50/50 split.</param>
public sealed record ExperimentArm(string Key, string Provider, string? Model, string? PromptVariant, int Weight);
