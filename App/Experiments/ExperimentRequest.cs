namespace StorybookShop.Experiments;

/// <summary>A new experiment: a name, two to four arms, and a window (default: from now, for 30 days).</summary>
public sealed record ExperimentRequest(
    string? Name,
    IReadOnlyList<ArmRequest>? Arms,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt
);

/// <summary>One arm: a key, a text provider, optionally a model and a prompt variant, and a weight (default
/// 1).</summary>
public sealed record ArmRequest(string? Key, string? Provider, string? Model, string? PromptVariant, int? Weight);

/// <summary>Stopping: the arm whose writer new stories get from now on.</summary>
public sealed record StopExperimentRequest(string? Arm);
