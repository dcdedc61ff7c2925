using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StorybookShop.Generation;
using StorybookShop.Shopify;

namespace StorybookShop.Admin;

/// <summary>The settings page (<see cref="SettingsForm"/>).</summary>
public static class SettingsPage
{
    public static WebApplication MapSettingsPage(this WebApplication app)
    {
        app.MapShopPages()
            .MapGet(
                "/settings",
                async (
                    AdminContext admin,
                    ProviderCatalog providers,
                    IOptions<GenerationOptions> generation,
                    IOptions<Publishing.PublishingOptions> publishing,
                    ShopProducts shopProducts,
                    CancellationToken ct
                ) =>
                {
                    var ctx = admin;
                    var products = ctx.Shop.AccessToken is null ? null : await shopProducts.ListAsync(ctx.Domain, ct);
                    return new RazorComponentResult<SettingsForm>(
                        new
                        {
                            Context = ctx,
                            Settings = ctx.Shop.Settings,
                            MonthlyBudgetUsd = ctx.Shop.MonthlyBudgetUsd,
                            Providers = providers,
                            Generation = generation.Value,
                            DefaultPrice = publishing.Value.DefaultPrice,
                            Products = products,
                        }
                    );
                }
            );
        return app;
    }
}
