using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Shopify.Webhooks;

namespace StorybookShop.Storefront;

/// <summary>orders/cancelled and refunds/create: the download links of the books concerned stop working, and unfinished
/// paid work stops.</summary>
public sealed class OrderReversedHandler(
    IDbContextFactory<AppDbContext> contexts,
    StoryPipeline pipeline,
    TimeProvider clock
) : IWebhookHandler
{
    public IReadOnlyCollection<string> Topics => ["orders/cancelled", "refunds/create"];

    public async Task HandleAsync(WebhookContext context, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var shop = await db.Shops.AsNoTracking().SingleOrDefaultAsync(s => s.Domain == context.ShopDomain, ct);
        if (shop is null)
            return;
        var cancelled = context.Topic == "orders/cancelled";
        var orderId = context.Payload.TryGetProperty(cancelled ? "id" : "order_id", out var id) ? id.ToString() : null;
        if (orderId is null)
            return;
        // A cancellation withdraws every book of the order; a refund only the refunded lines' books.
        var refundedLines =
            !cancelled
            && context.Payload.TryGetProperty("refund_line_items", out var lines)
            && lines.ValueKind == JsonValueKind.Array
                ? lines
                    .EnumerateArray()
                    .Select(l =>
                        l.TryGetProperty("line_item_id", out var lid) ? lid.ToString()
                        : l.TryGetProperty("line_item", out var li) && li.TryGetProperty("id", out var liid)
                            ? liid.ToString()
                        : null
                    )
                    .OfType<string>()
                    .ToList()
                : [];
        var named = cancelled ? OrderPayload.StoryIds(context.Payload) : [];
        var now = clock.GetUtcNow();
        var withdrawn = db.Deliveries.Where(d =>
            d.ShopId == shop.Id
            && d.OrderId == orderId
            && d.RevokedAt == null
            && (cancelled || refundedLines.Contains(d.LineItemId))
        );
        var stories = (await withdrawn.Select(d => d.StoryId).ToListAsync(ct)).Union(named).ToList();
        await withdrawn.ExecuteUpdateAsync(u => u.SetProperty(d => d.RevokedAt, now), ct);
        if (stories.Count == 0)
            return;
        // Unfinished paid work stops unless another buyer's line still pays for it.
        var unfinished = await db
            .Stories.Where(s =>
                s.ShopId == shop.Id
                && stories.Contains(s.Id)
                && !db.Deliveries.Any(d => d.StoryId == s.Id && d.RevokedAt == null)
            )
            .Where(StoryLifecycle.Stop.Allowed)
            .Select(s => s.Id)
            .ToListAsync(ct);
        foreach (var storyId in unfinished)
            await pipeline.CancelAsync(storyId, ct: ct);
        await db
            .Stories.Where(s => unfinished.Contains(s.Id))
            .Where(StoryLifecycle.Stop.Allowed)
            .ExecuteUpdateAsync(
                u =>
                    StoryLifecycle
                        .Stop.Set(u, now)
                        .SetProperty(
                            s => s.FailureReason,
                            $"Stopped: order {orderId} was {(cancelled ? "cancelled" : "refunded")}."
                        ),
                ct
            );
    }
}
