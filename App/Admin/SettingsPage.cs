using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StorybookShop.Generation;

namespace StorybookShop.Admin;

/// <summary>The settings page (<see cref="SettingsForm"/>).</summary>
public static class SettingsPage
{
    public static WebApplication MapSettingsPage(this WebApplication app)
    {
        app.MapAdminPages().MapGet("/settings", async (AdminSession session, ProviderCatalog providers,
            IOptions<GenerationOptions> generation, IOptions<Publishing.PublishingOptions> publishing,
            ShopProducts shopProducts, CancellationToken ct) =>
        {
            var ctx = session.Context;
            var products = ctx.Shop.AccessToken is null ? null : await shopProducts.ListAsync(ctx.Domain, ct);
            return new RazorComponentResult<SettingsForm>(new
            {
                Context = ctx,
                Settings = ctx.Shop.Settings,
                MonthlyBudgetUsd = ctx.Shop.MonthlyBudgetUsd,
                Providers = providers,
                Generation = generation.Value,
                DefaultPrice = publishing.Value.DefaultPrice,
                Products = products,
            });
        });
        return app;
    }
}
