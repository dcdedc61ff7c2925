using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Shopify.Webhooks;
using StorybookShop.Storage;

namespace StorybookShop.Stories;

/// <summary>
/// The mandatory compliance topics. Personal data here is the child's personalization and the book made
/// from it, linked to a customer by <c>shopify_customer_id</c> or to orders by <c>shopify_order_id</c>.
/// </summary>
public sealed class ComplianceHandler(
    IDbContextFactory<AppDbContext> contexts,
    IAssetStore assets,
    Stories.StoryEraser eraser,
    TimeProvider clock
) : IWebhookHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    public IReadOnlyCollection<string> Topics => ["customers/data_request", "customers/redact", "shop/redact"];

    public async Task HandleAsync(WebhookContext context, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var shop = await db.Shops.AsNoTracking().SingleOrDefaultAsync(s => s.Domain == context.ShopDomain, ct);
        if (shop is null)
            return; // nothing held for a shop we never saw
        switch (context.Topic)
        {
            case "customers/data_request":
                await ExportAsync(db, shop, context, ct);
                break;
            case "customers/redact":
                await RedactCustomerAsync(db, shop, context.Payload, ct);
                break;
            case "shop/redact":
                await RedactShopAsync(db, shop, ct);
                break;
        }
    }

    private async Task ExportAsync(AppDbContext db, Shop shop, WebhookContext context, CancellationToken ct)
    {
        var customerId = CustomerId(context.Payload);
        if (customerId is null)
            return;
        var requestId =
            context.Payload.TryGetProperty("data_request", out var dr) && dr.TryGetProperty("id", out var rid)
                ? rid.ToString()
                : null;
        // Idempotent: one export per data request.
        if (
            requestId is not null
            && await db.DataExports.AnyAsync(x => x.ShopId == shop.Id && x.DataRequestId == requestId, ct)
        )
            return;
        var orders = OrderIds(context.Payload, "orders_requested");
        var stories = await db
            .Stories.AsNoTracking()
            .Include(s => s.Pages)
            .Where(s =>
                s.ShopId == shop.Id
                && (
                    s.ShopifyCustomerId == customerId || (s.ShopifyOrderId != null && orders.Contains(s.ShopifyOrderId))
                )
            )
            .OrderBy(s => s.CreatedAt)
            .ToListAsync(ct);
        var export = new
        {
            customerId,
            generatedAt = clock.GetUtcNow(),
            stories = stories.Select(s => new
            {
                s.Id,
                s.Title,
                s.ChildName,
                s.AgeGroup,
                s.Genre,
                s.Language,
                s.MoralLesson,
                s.Companions,
                s.ShopifyOrderId,
                s.CreatedAt,
                s.Status,
                pages = s.Pages.OrderBy(p => p.Number).Select(p => p.Text),
            }),
        };
        db.DataExports.Add(
            new DataExport
            {
                Id = Guid.NewGuid(),
                ShopId = shop.Id,
                CustomerId = customerId,
                DataRequestId = requestId,
                Payload = JsonSerializer.Serialize(export, Json),
                CreatedAt = clock.GetUtcNow(),
            }
        );
        await db.SaveChangesAsync(ct);
    }

    private async Task RedactCustomerAsync(AppDbContext db, Shop shop, JsonElement payload, CancellationToken ct)
    {
        var customerId = CustomerId(payload);
        var orders = OrderIds(payload, "orders_to_redact");
        // Their deliveries go; their own stories go, but never a book the merchant published (other buyers have it):
        // that book only forgets them.
        var theirs = db.Stories.Where(s =>
            s.ShopId == shop.Id
            && (
                (customerId != null && s.ShopifyCustomerId == customerId)
                || (s.ShopifyOrderId != null && orders.Contains(s.ShopifyOrderId))
            )
        );
        var stories = await theirs
            .Where(s => s.ShopifyProductId == null && s.Status != StoryStatus.Published)
            .Select(s => s.Id)
            .ToListAsync(ct);
        await theirs
            .Where(s => s.ShopifyProductId != null || s.Status == StoryStatus.Published)
            .ExecuteUpdateAsync(
                u =>
                    u.SetProperty(s => s.ShopifyCustomerId, (string?)null)
                        .SetProperty(s => s.ShopifyOrderId, (string?)null),
                ct
            );
        await db
            .Deliveries.Where(d =>
                d.ShopId == shop.Id
                && ((customerId != null && d.CustomerId == customerId) || orders.Contains(d.OrderId))
            )
            .ExecuteDeleteAsync(ct);
        await EraseStoriesAsync(db, shop.Id, stories, ct);
        if (customerId is not null)
            await db.DataExports.Where(x => x.ShopId == shop.Id && x.CustomerId == customerId).ExecuteDeleteAsync(ct);
        // Stored order webhooks carry the customer's name and email: they go too.
        await db.Database.ExecuteSqlAsync(
            $"""
            DELETE FROM webhook_deliveries
            WHERE shop_domain = {shop.Domain} AND topic LIKE 'orders/%'
              AND ((payload -> 'customer' ->> 'id') = {customerId} OR (payload ->> 'id') = ANY({orders.ToArray()}))
            """,
            ct
        );
    }

    private async Task RedactShopAsync(AppDbContext db, Shop shop, CancellationToken ct)
    {
        var stories = await db.Stories.Where(s => s.ShopId == shop.Id).Select(s => s.Id).ToListAsync(ct);
        await EraseStoriesAsync(db, shop.Id, stories, ct);
        await assets.DeletePrefixAsync($"shops/{shop.Id:N}/", ct);
        await db.Shops.Where(s => s.Id == shop.Id).ExecuteDeleteAsync(ct); // exports and stories go with it
        // Every stored delivery of the shop but this one, which the dispatcher is about to mark processed.
        await db
            .WebhookDeliveries.Where(d => d.ShopDomain == shop.Domain && d.Topic != "shop/redact")
            .ExecuteDeleteAsync(ct);
    }

    private Task EraseStoriesAsync(AppDbContext db, Guid shopId, List<Guid> stories, CancellationToken ct) =>
        eraser.EraseAsync(db, shopId, stories, ct);

    private static string? CustomerId(JsonElement payload) =>
        payload.TryGetProperty("customer", out var c)
        && c.TryGetProperty("id", out var id)
        && id.ValueKind != JsonValueKind.Null
            ? id.ToString()
            : null;

    private static List<string> OrderIds(JsonElement payload, string property) =>
        payload.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(o => o.ToString()).ToList()
            : [];
}
