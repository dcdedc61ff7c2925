using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.OpenAI;
using StorybookShop.Hosting;
using StorybookShop.Shopify;

namespace StorybookShop.Admin;

public static class SettingsApi
{
    public static WebApplication MapSettings(this WebApplication app)
    {
        var group = app.MapShopApi("/api/settings", "Settings");
        group.MapGet(
            "/",
            async (
                CurrentShop current,
                HttpContext http,
                AppDbContext db,
                ProviderCatalog providers,
                Microsoft.Extensions.Options.IOptions<GenerationOptions> generation,
                TimeProvider clock,
                CancellationToken ct
            ) =>
            {
                var shop = current.Shop;
                return TypedResults.Ok(new SettingsResponse(View(shop), Options(providers, generation.Value)));
            }
        );
        group.MapPut("/", SaveAsync).Validated<SettingsView>();
        return app;
    }

    internal static async Task<Results<Ok<SettingsResponse>, ValidationProblem>> SaveAsync(
        SettingsView request,
        CurrentShop current,
        HttpContext http,
        AppDbContext db,
        ProviderCatalog providers,
        Microsoft.Extensions.Options.IOptions<GenerationOptions> generation,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var shop = current.Shop;
        var settings = new ShopSettings
        {
            TextProvider = Blank(request.TextProvider),
            TextModel = Blank(request.TextModel),
            PromptVariant = Blank(request.PromptVariant),
            ImageProvider = Blank(request.ImageProvider),
            AudioProvider = Blank(request.AudioProvider),
            Voice = Blank(request.Voice),
            IllustrationStyle = Blank(request.IllustrationStyle),
            ImageConcurrency = request.ImageConcurrency,
            ModerationThresholds = request.ModerationThresholds is { Count: > 0 } t
                ? new Dictionary<string, double>(t)
                : null,
            TrimInches = request.TrimInches,
            Paper = Blank(request.Paper),
            PrintResolution = request.PrintResolution,
            ColouringPages = request.ColouringPages,
            Price = request.Price,
            PreviewBeforePurchase = request.PreviewBeforePurchase,
            BookProductIds = request.BookProductIds is { Count: > 0 } products
                ? [.. products.Select(p => p.Trim()).Distinct()]
                : null,
        };
        // The shop row is read without tracking (it is the request's identity); the settings are one update.
        await db
            .Shops.Where(s => s.Id == shop.Id)
            .ExecuteUpdateAsync(
                u =>
                    u.SetProperty(s => s.Settings, settings)
                        .SetProperty(s => s.MonthlyBudgetUsd, request.MonthlyBudgetUsd),
                ct
            );
        shop.Settings = settings;
        shop.MonthlyBudgetUsd = request.MonthlyBudgetUsd;
        return TypedResults.Ok(new SettingsResponse(View(shop), Options(providers, generation.Value)));
    }

    private static SettingsView View(Shop shop) =>
        new(
            shop.Settings.TextProvider,
            shop.Settings.ImageProvider,
            shop.Settings.AudioProvider,
            shop.Settings.Voice,
            shop.Settings.IllustrationStyle,
            shop.Settings.ImageConcurrency,
            shop.Settings.ModerationThresholds,
            shop.MonthlyBudgetUsd,
            shop.Settings.TrimInches,
            shop.Settings.Price,
            shop.Settings.PreviewBeforePurchase,
            shop.Settings.BookProductIds,
            shop.Settings.TextModel,
            shop.Settings.PromptVariant,
            shop.Settings.Paper,
            shop.Settings.PrintResolution,
            shop.Settings.ColouringPages
        );

    private static SettingsOptionsView Options(ProviderCatalog providers, GenerationOptions generation) =>
        new(
            new Dictionary<string, IReadOnlyList<string>>
            {
                ["text"] = providers.Available(ProviderKind.Text),
                ["image"] = providers.Available(ProviderKind.Image),
                ["audio"] = providers.Available(ProviderKind.Audio),
            },
            new Dictionary<string, string>
            {
                ["text"] = generation.TextProvider,
                ["image"] = generation.ImageProvider,
                ["audio"] = generation.AudioProvider,
                ["moderation"] = generation.ModerationProvider,
                ["illustrationStyle"] = IllustrationPlan.DefaultStyle,
                ["trimInches"] = Catalog.BookFormat.Print.TrimInches.ToString(
                    System.Globalization.CultureInfo.InvariantCulture
                ),
                ["imageConcurrency"] = generation.ShopImageConcurrency.ToString(
                    System.Globalization.CultureInfo.InvariantCulture
                ),
            },
            [.. OpenAiModeration.Categories.Keys],
            generation.DefaultMonthlyBudgetUsd,
            providers.Models()
        );

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
