using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;

namespace StorybookShop.Generation.Text;

/// <summary>Which writer a story gets: its experiment arm's provider, model and prompt variant when it was assigned
/// one, otherwise the shop's settings (a provider no longer available falls back to the server's).</summary>
public sealed record TextSpec(string Provider, string? Model, string? PromptVariant)
{
    public static async Task<TextSpec> ForAsync(
        AppDbContext db,
        Story story,
        ProviderCatalog providers,
        CancellationToken ct
    )
    {
        if (
            story is { ExperimentId: { } experimentId, ExperimentArm: { } key }
            && await db
                .Experiments.AsNoTracking()
                .Where(e => e.Id == experimentId)
                .Select(e => e.Arms)
                .SingleOrDefaultAsync(ct)
                is { } arms
            && arms.FirstOrDefault(a => a.Key == key) is { } arm
        )
            return new TextSpec(arm.Provider, arm.Model, arm.PromptVariant);
        var settings = story.Shop?.Settings ?? new ShopSettings();
        var provider = providers.Chosen(ProviderKind.Text, settings);
        // A model only means something to the provider it was chosen for.
        return new TextSpec(
            provider,
            provider == settings.TextProvider ? settings.TextModel : null,
            settings.PromptVariant
        );
    }
}
