namespace StorybookShop.Admin;

/// <summary>What the server offers: the providers it has keys for and what an unset setting means.</summary>
public sealed record SettingsOptionsView(
    IReadOnlyDictionary<string, IReadOnlyList<string>> Available,
    IReadOnlyDictionary<string, string> Defaults,
    IReadOnlyList<string> ModerationCategories,
    decimal? DefaultMonthlyBudgetUsd,
    IReadOnlyDictionary<string, string> Models
);
