namespace StorybookShop.Admin;

/// <summary>The shop's generation settings as the merchant sees and sends them; null = the server's default.</summary>
public sealed record SettingsView(
    string? TextProvider,
    string? ImageProvider,
    string? AudioProvider,
    string? Voice,
    string? IllustrationStyle,
    int? ImageConcurrency,
    Dictionary<string, double>? ModerationThresholds,
    decimal? MonthlyBudgetUsd,
    double? TrimInches = null,
    decimal? Price = null,
    bool? PreviewBeforePurchase = null,
    List<string>? BookProductIds = null,
    string? TextModel = null,
    string? PromptVariant = null,
    string? Paper = null,
    bool? PrintResolution = null,
    bool? ColouringPages = null
);
