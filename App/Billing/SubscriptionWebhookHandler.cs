using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Shopify.Webhooks;

namespace StorybookShop.Billing;

/// <summary>
/// app_subscriptions/update (approved, declined, cancelled, frozen, a cap the merchant changed) and
/// app_subscriptions/approaching_capped_amount: the shop's subscription is read from Shopify again, which is the
/// truth whatever order webhooks arrive in; without a token, the payload's status is applied to the subscription
/// it names. Repeats are harmless.
/// </summary>
public sealed class SubscriptionWebhookHandler(IDbContextFactory<AppDbContext> contexts, SubscriptionSync sync)
    : IWebhookHandler
{
    public IReadOnlyCollection<string> Topics =>
        ["app_subscriptions/update", "app_subscriptions/approaching_capped_amount"];

    public async Task HandleAsync(WebhookContext context, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var shop = await db.Shops.AsNoTracking().SingleOrDefaultAsync(s => s.Domain == context.ShopDomain, ct);
        if (shop is null || shop.UninstalledAt is not null && shop.AccessToken is null)
            return;
        if (shop.AccessToken is not null)
        {
            await sync.SyncAsync(shop.Id, shop.Domain, ct);
            return;
        }
        if (
            context.Payload.TryGetProperty("app_subscription", out var sub)
            && sub.ValueKind == JsonValueKind.Object
            && sub.TryGetProperty("admin_graphql_api_id", out var id)
            && sub.TryGetProperty("status", out var status)
            && status.GetString() is { Length: > 0 } s
        )
            await sync.ApplyStatusAsync(shop.Id, id.GetString()!, s, ct);
    }
}
