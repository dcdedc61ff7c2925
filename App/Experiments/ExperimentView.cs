namespace StorybookShop.Experiments;

/// <summary>An experiment as the API and the page show it, with its numbers per arm.</summary>
/// <param name="Status"><c>scheduled</c>, <c>running</c>, <c>ended</c> (its window passed) or <c>stopped</c>.</param>
/// <param name="ConversionDiffers">Whether some two arms' conversion intervals do not overlap: a difference beyond
/// noise at 95 %.</param>
public sealed record ExperimentView(
    Guid Id,
    string Name,
    string Status,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    DateTimeOffset? StoppedAt,
    string? ChosenArm,
    IReadOnlyList<ExperimentStats.Arm> Arms,
    bool ConversionDiffers
);
