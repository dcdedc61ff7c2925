using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Generation;

namespace StorybookShop.Shopify.Webhooks;

/// <summary>app/uninstalled: the tokens are dead, the shop is marked uninstalled and its running books stop; Shopify
/// cancels the app's subscription, so the shop's plan ends here at once (usage charges not yet sent can no longer be)
/// and a reinstall starts without one. Repeats are harmless.</summary>
public sealed class AppUninstalledHandler(
    IDbContextFactory<AppDbContext> contexts,
    StoryPipeline pipeline,
    TimeProvider clock
) : IWebhookHandler
{
    public IReadOnlyCollection<string> Topics => ["app/uninstalled"];

    public async Task HandleAsync(WebhookContext context, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var shop = await db.Shops.SingleOrDefaultAsync(s => s.Domain == context.ShopDomain, ct);
        if (shop is null)
            return;
        var now = clock.GetUtcNow();
        await db
            .Shops.Where(s => s.Id == shop.Id)
            .ExecuteUpdateAsync(
                u =>
                    u.SetProperty(s => s.AccessToken, (string?)null)
                        .SetProperty(s => s.RefreshToken, (string?)null)
                        .SetProperty(s => s.AccessTokenExpiresAt, (DateTimeOffset?)null)
                        .SetProperty(s => s.RefreshTokenExpiresAt, (DateTimeOffset?)null)
                        .SetProperty(s => s.UninstalledAt, s => s.UninstalledAt ?? now),
                ct
            );
        await db.Subscriptions.Where(s => s.ShopId == shop.Id).ExecuteDeleteAsync(ct);
        await db
            .BookCharges.Where(c =>
                c.ShopId == shop.Id
                && (c.Status == BookCharge.States.Pending || c.Status == BookCharge.States.WaitingForCap)
            )
            .ExecuteUpdateAsync(
                u =>
                    u.SetProperty(c => c.Status, BookCharge.States.Failed)
                        .SetProperty(c => c.Error, "The app was uninstalled: Shopify cancelled the subscription."),
                ct
            );
        var running = await db
            .Stories.Where(s => s.ShopId == shop.Id)
            .Where(StoryLifecycle.Stop.Allowed)
            .Select(s => s.Id)
            .ToListAsync(ct);
        foreach (var id in running)
            await pipeline.CancelAsync(id, ct: ct);
        await db
            .Stories.Where(s => running.Contains(s.Id))
            .Where(StoryLifecycle.Stop.Allowed)
            .ExecuteUpdateAsync(
                u =>
                    StoryLifecycle
                        .Stop.Set(u, now)
                        .SetProperty(s => s.FailureReason, "Stopped: the app was uninstalled."),
                ct
            );
    }
}
