using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.OpenAI;
using StorybookShop.Shopify;
using StorybookShop.Stories;

namespace StorybookShop.Admin;

/// <summary>The shop's generation settings as the merchant sees and sends them; null = the server's default.</summary>
public sealed record SettingsView(string? TextProvider, string? ImageProvider, string? AudioProvider, string? Voice, string? IllustrationStyle,
    int? ImageConcurrency, Dictionary<string, double>? ModerationThresholds, decimal? MonthlyBudgetUsd,
    double? TrimInches = null, decimal? Price = null, bool? PreviewBeforePurchase = null,
    List<string>? BookProductIds = null);

/// <summary>What the server offers: the providers it has keys for and what an unset setting means.</summary>
public sealed record SettingsOptionsView(IReadOnlyDictionary<string, IReadOnlyList<string>> Available, IReadOnlyDictionary<string, string> Defaults,
    IReadOnlyList<string> ModerationCategories, decimal? DefaultMonthlyBudgetUsd, IReadOnlyDictionary<string, string> Models);

public sealed record SettingsResponse(SettingsView Settings, SettingsOptionsView Options);

public static partial class SettingsApi
{
    public static WebApplication MapSettings(this WebApplication app)
    {
        var group = app.MapAdminGroup("/api/settings", "Settings");
        group.MapGet("/", async (HttpContext http, AppDbContext db, ProviderCatalog providers, Microsoft.Extensions.Options.IOptions<GenerationOptions> generation, TimeProvider clock, CancellationToken ct) =>
        {
            var shop = await CurrentShop.GetAsync(http, db, clock, ct);
            return TypedResults.Ok(new SettingsResponse(View(shop), Options(providers, generation.Value)));
        });
        group.MapPut("/", SaveAsync);
        return app;
    }

    internal static async Task<Results<Ok<SettingsResponse>, ValidationProblem>> SaveAsync(SettingsView request, HttpContext http, AppDbContext db, ProviderCatalog providers,
        Microsoft.Extensions.Options.IOptions<GenerationOptions> generation, TimeProvider clock, CancellationToken ct)
    {
        var errors = Validate(request, providers);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var shop = await CurrentShop.GetAsync(http, db, clock, ct);
        var settings = new ShopSettings
        {
            TextProvider = Blank(request.TextProvider), ImageProvider = Blank(request.ImageProvider), AudioProvider = Blank(request.AudioProvider),
            Voice = Blank(request.Voice), IllustrationStyle = Blank(request.IllustrationStyle), ImageConcurrency = request.ImageConcurrency,
            ModerationThresholds = request.ModerationThresholds is { Count: > 0 } t ? new Dictionary<string, double>(t) : null,
            TrimInches = request.TrimInches,
            Price = request.Price,
            PreviewBeforePurchase = request.PreviewBeforePurchase,
            BookProductIds = request.BookProductIds is { Count: > 0 } products ? [.. products.Select(p => p.Trim()).Distinct()] : null,
        };
        // The shop row is read without tracking (it is the request's identity); the settings are one update.
        await db.Shops.Where(s => s.Id == shop.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Settings, settings).SetProperty(s => s.MonthlyBudgetUsd, request.MonthlyBudgetUsd), ct);
        shop.Settings = settings;
        shop.MonthlyBudgetUsd = request.MonthlyBudgetUsd;
        return TypedResults.Ok(new SettingsResponse(View(shop), Options(providers, generation.Value)));
    }

    public static Dictionary<string, string[]> Validate(SettingsView r, ProviderCatalog providers)
    {
        var errors = new Dictionary<string, string[]>();
        void Provider(string field, string? value, ProviderKind kind)
        {
            if (Blank(value) is not { } v) return;
            var available = providers.Available(kind);
            if (!available.Contains(v)) errors[field] = [$"\"{v}\" is not available on this server; choose one of {string.Join(", ", available)}."];
        }
        Provider("textProvider", r.TextProvider, ProviderKind.Text);
        Provider("imageProvider", r.ImageProvider, ProviderKind.Image);
        Provider("audioProvider", r.AudioProvider, ProviderKind.Audio);
        if (Blank(r.Voice) is { } voice && !VoiceId().IsMatch(voice))
            errors["voice"] = ["A voice is a provider's voice id or name: letters, digits, - and _, at most 64 characters."];
        if (Blank(r.IllustrationStyle) is { } style)
        {
            if (style.Length > 200) errors["illustrationStyle"] = ["The illustration style can be at most 200 characters."];
            else if (style.Any(char.IsControl)) errors["illustrationStyle"] = ["The illustration style may not contain control characters."];
            else if (PromptSafety.LooksLikeInstructions(style)) errors["illustrationStyle"] = ["The illustration style reads like instructions to the model; describe the look instead."];
        }
        if (r.ImageConcurrency is < 1 or > 16) errors["imageConcurrency"] = ["Pictures at once must be between 1 and 16."];
        foreach (var (category, score) in r.ModerationThresholds ?? [])
        {
            if (!OpenAiModeration.Categories.ContainsKey(category))
                errors[$"moderationThresholds.{category}"] = [$"Unknown moderation category; use one of {string.Join(", ", OpenAiModeration.Categories.Keys)}."];
            else if (score is <= 0 or > 1 || double.IsNaN(score))
                errors[$"moderationThresholds.{category}"] = ["A threshold is a score above 0 and at most 1."];
        }
        if (r.TrimInches is { } trim && !Books.BookFormat.Trims.Contains(trim))
            errors["trimInches"] = [$"The trim must be one of {string.Join(", ", Books.BookFormat.Trims.Select(x => x.ToString(System.Globalization.CultureInfo.InvariantCulture)))} inches."];
        if (r.Price is <= 0 or > 10_000) errors["price"] = ["The price must be above 0 and at most 10,000."];
        if (r.BookProductIds is { } books && (books.Count > 20 || books.Any(p => !ProductId().IsMatch(p.Trim()))))
            errors["bookProductIds"] = ["Book products are Shopify product ids (digits), at most 20."];
        if (r.MonthlyBudgetUsd is < 0 or > 1_000_000) errors["monthlyBudgetUsd"] = ["The monthly budget must be between 0 and 1,000,000 USD."];
        return errors;
    }

    private static SettingsView View(Shop shop) => new(shop.Settings.TextProvider, shop.Settings.ImageProvider, shop.Settings.AudioProvider, shop.Settings.Voice,
        shop.Settings.IllustrationStyle, shop.Settings.ImageConcurrency, shop.Settings.ModerationThresholds, shop.MonthlyBudgetUsd, shop.Settings.TrimInches, shop.Settings.Price, shop.Settings.PreviewBeforePurchase,
        shop.Settings.BookProductIds);

    private static SettingsOptionsView Options(ProviderCatalog providers, GenerationOptions generation) => new(
        new Dictionary<string, IReadOnlyList<string>>
        {
            ["text"] = providers.Available(ProviderKind.Text), ["image"] = providers.Available(ProviderKind.Image), ["audio"] = providers.Available(ProviderKind.Audio),
        },
        new Dictionary<string, string>
        {
            ["text"] = generation.TextProvider, ["image"] = generation.ImageProvider, ["audio"] = generation.AudioProvider,
            ["illustrationStyle"] = IllustrationStage.DefaultStyle, ["trimInches"] = Books.BookFormat.Print.TrimInches.ToString(System.Globalization.CultureInfo.InvariantCulture), ["imageConcurrency"] = generation.ShopImageConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        [.. OpenAiModeration.Categories.Keys], generation.DefaultMonthlyBudgetUsd, providers.Models());

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex VoiceId();

    [GeneratedRegex(@"^[0-9]{1,20}\z")]
    private static partial Regex ProductId();
}
