using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Admin;

/// <summary>
/// Document loads inside the Shopify admin. Shopify opens the app with <c>?shop=…&amp;host=…&amp;id_token=…</c>;
/// a valid id token is exchanged on first load, anything else goes to the session-token bounce page,
/// where App Bridge fetches a fresh token and reloads the page with it.
/// </summary>
public static class AdminPages
{
    public static WebApplication MapAdmin(this WebApplication app)
    {
        app.MapShopPages().MapGet("/", HomeAsync);
        app.MapGet(Shopify.SessionTokenAuthentication.BouncePath, Bounce).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> HomeAsync(
        AdminContext admin,
        AppDbContext db,
        Generation.ProviderCatalog providers,
        Microsoft.Extensions.Options.IOptions<Shopify.ShopifyOptions> shopify,
        Billing.BillingGate billing,
        Microsoft.Extensions.Options.IOptions<Billing.BillingOptions> plans,
        ShopLocale zone,
        Publishing.BookProduct bookProduct,
        CancellationToken ct
    )
    {
        await zone.EnsureAsync(db, admin.Shop, ct);
        var closed = await billing.CheckAsync(db, admin.Shop, ct);
        var subscription = await db
            .Subscriptions.AsNoTracking()
            .SingleOrDefaultAsync(s => s.ShopId == admin.Shop.Id, ct);
        var ctx = admin;
        var counts = await db
            .Stories.Where(s => s.ShopId == ctx.Shop.Id)
            .GroupBy(s => s.Status)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToListAsync(ct);
        int Count(StoryStatus s) => counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0;
        var ai =
            providers.Available(Generation.ProviderKind.Text).Contains(Generation.Providers.OpenAI)
            || providers.Available(Generation.ProviderKind.Image).Contains(Generation.Providers.OpenAI);
        return new RazorComponentResult<AdminHome>(
            new
            {
                Context = ctx,
                Closed = closed,
                PlanName = subscription?.Status == "ACTIVE" ? plans.Value.Find(subscription.PlanHandle)?.Name : null,
                Ready = Count(StoryStatus.Complete) + Count(StoryStatus.Published),
                Generating = Count(StoryStatus.Generating),
                Failed = Count(StoryStatus.Error),
                AiConfigured = ai,
                // Book products are chosen by the setup guide's own step: choosing them is not reviewing the settings.
                SettingsReviewed = ctx.Shop.Settings with { BookProductIds = null } != new ShopSettings()
                    || ctx.Shop.MonthlyBudgetUsd is not null,
                BookProducts = ctx.Shop.Settings.BookProductIds?.Count ?? 0,
                ProductStates = await bookProduct.StatesAsync(
                    ctx.Shop.Domain,
                    ctx.Shop.Settings.BookProductIds ?? [],
                    ct
                ),
                ThemeEditor = ThemeEditorLink(ctx.Shop.Domain, shopify.Value.ClientId),
            }
        );
    }

    /// <summary>Shopify's deep link that opens the theme editor on the product template with the app's block added
    /// to the main section (the merchant saves).</summary>
    public static string ThemeEditorLink(string shop, string clientId) =>
        $"https://{shop}/admin/themes/current/editor?template=product&addAppBlockId="
        + $"{Uri.EscapeDataString(clientId)}/personalize&target=mainSection";

    /// <summary>The page App Bridge uses to get a fresh session token and reload <c>shopify-reload</c> with
    /// it.</summary>
    private static RazorComponentResult<SessionBounce> Bounce() => new();
}
