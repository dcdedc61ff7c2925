using Microsoft.AspNetCore.Http.HttpResults;
using StorybookShop.Admin;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Shopify;

namespace StorybookShop.Experiments;

/// <summary>The Experiments page in the admin (<see cref="ExperimentsPage"/>).</summary>
public static class ExperimentsPages
{
    public static WebApplication MapExperimentsPage(this WebApplication app)
    {
        app.MapShopPages()
            .MapGet(
                "/experiments",
                async (
                    AdminContext admin,
                    AppDbContext db,
                    ProviderCatalog providers,
                    TimeProvider clock,
                    CancellationToken ct
                ) =>
                {
                    var ctx = admin;
                    var views = await ExperimentApi.ViewsAsync(db, ctx.Shop.Id, clock.GetUtcNow(), ct);
                    return new RazorComponentResult<ExperimentsPage>(
                        new
                        {
                            Context = ctx,
                            Experiments = views,
                            Providers = providers,
                        }
                    );
                }
            );
        return app;
    }
}
