using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Storage;

namespace StorybookShop.Shopify.Webhooks;

/// <summary>app/uninstalled: the tokens are dead, the shop is marked uninstalled and its running books stop. Repeats are harmless.</summary>
public sealed class AppUninstalledHandler(IDbContextFactory<AppDbContext> contexts, StoryPipeline pipeline, TimeProvider clock) : IWebhookHandler
{
    public IReadOnlyCollection<string> Topics => ["app/uninstalled"];

    public async Task HandleAsync(WebhookContext context, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var shop = await db.Shops.SingleOrDefaultAsync(s => s.Domain == context.ShopDomain, ct);
        if (shop is null) return;
        var now = clock.GetUtcNow();
        await db.Shops.Where(s => s.Id == shop.Id).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.AccessToken, (string?)null).SetProperty(s => s.RefreshToken, (string?)null)
            .SetProperty(s => s.AccessTokenExpiresAt, (DateTimeOffset?)null).SetProperty(s => s.RefreshTokenExpiresAt, (DateTimeOffset?)null)
            .SetProperty(s => s.UninstalledAt, s => s.UninstalledAt ?? now), ct);
        var running = await db.Stories.Where(s => s.ShopId == shop.Id && (s.Status == StoryStatus.Generating || s.Status == StoryStatus.Preview)).Select(s => s.Id).ToListAsync(ct);
        foreach (var id in running) await pipeline.CancelAsync(id, ct: ct);
        await db.Stories.Where(s => running.Contains(s.Id)).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.Status, StoryStatus.Error).SetProperty(s => s.FailureReason, "Stopped: the app was uninstalled.").SetProperty(s => s.UpdatedAt, now), ct);
    }
}

/// <summary>app/scopes_update: remember what the merchant granted.</summary>
public sealed class ScopesUpdateHandler(IDbContextFactory<AppDbContext> contexts) : IWebhookHandler
{
    public IReadOnlyCollection<string> Topics => ["app/scopes_update"];

    public async Task HandleAsync(WebhookContext context, CancellationToken ct)
    {
        if (!context.Payload.TryGetProperty("current", out var current) || current.ValueKind != JsonValueKind.Array) return;
        var scopes = string.Join(',', current.EnumerateArray().Select(s => s.GetString()).Where(s => !string.IsNullOrEmpty(s)));
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Shops.Where(s => s.Domain == context.ShopDomain).ExecuteUpdateAsync(u => u.SetProperty(s => s.Scopes, scopes), ct);
    }
}

/// <summary>
/// orders/paid: each line item that names a story (the private property <c>_story_id</c>, which the storefront block
/// adds) or is a book published as its own product. A line releases its story only when the line is a product that
/// sells books — one of the shop's book products (Settings) or the story's own published product — and its unit
/// price covers the shop's book price when one is set; anything else leaves the story a preview and says why on
/// it. Each paid line becomes one delivery. A repeated delivery of the webhook finds everything already done.
/// </summary>
public sealed class OrdersPaidHandler(IDbContextFactory<AppDbContext> contexts, Storefront.StoryRelease release,
    ILogger<OrdersPaidHandler> logger)
    : IWebhookBatchHandler
{
    public IReadOnlyCollection<string> Topics => ["orders/paid"];

    public Task HandleAsync(WebhookContext context, CancellationToken ct) => HandleBatchAsync([context], ct);

    /// <summary>A claimed batch of paid orders: their books are released in one statement.</summary>
    public async Task HandleBatchAsync(IReadOnlyList<WebhookContext> batch, CancellationToken ct)
    {
        var paid = new List<Storefront.PaidStory>();
        var refused = new List<Storefront.RefusedStory>();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var domains = batch.Select(c => c.ShopDomain).Distinct().ToList();
        var shops = await db.Shops.AsNoTracking().Where(s => domains.Contains(s.Domain)).ToDictionaryAsync(s => s.Domain, ct);
        foreach (var context in batch)
        {
            var orderId = context.Payload.TryGetProperty("id", out var id) ? id.ToString() : null;
            if (orderId is null || !shops.TryGetValue(context.ShopDomain, out var shop)) continue;
            var customerId = context.Payload.TryGetProperty("customer", out var c)
                && c.ValueKind == JsonValueKind.Object
                && c.TryGetProperty("id", out var cid) ? cid.ToString() : null;
            var lines = OrderPayload.Lines(context.Payload);
            // A book the merchant published as its own product carries no _story_id: its product id leads to it.
            var products = lines.Where(l => l.ProductId is not null).Select(l => $"gid://shopify/Product/{l.ProductId}").Distinct().ToList();
            var published = products.Count == 0 ? [] : await db.Stories.AsNoTracking()
                .Where(s => s.ShopId == shop.Id && s.ShopifyProductId != null && products.Contains(s.ShopifyProductId))
                .Select(s => new { s.Id, s.ShopifyProductId }).ToListAsync(ct);
            var bookProducts = shop.Settings.BookProductIds ?? [];
            foreach (var line in lines)
            {
                var ownProduct = published.Where(p => p.ShopifyProductId == $"gid://shopify/Product/{line.ProductId}").Select(p => p.Id).ToList();
                foreach (var storyId in line.StoryIds.Union(ownProduct))
                {
                    var reason = ownProduct.Contains(storyId) || (line.ProductId is not null
                        && bookProducts.Contains(line.ProductId))
                        ? shop.Settings.Price is { } price && line.UnitPrice < price
                            ? $"Order {orderId}: the paid line's price {line.UnitPrice:0.00} is below the book's price {price:0.00}."
                            : null
                        : $"Order {orderId}: the paid line is not a book product (product {line.ProductId ?? "none"}).";
                    if (reason is null) paid.Add(new Storefront.PaidStory(context.ShopDomain, storyId, orderId,
                        line.Id, customerId));
                    else refused.Add(new Storefront.RefusedStory(shop.Id, storyId, reason));
                }
            }
            if (lines.All(l => l.StoryIds.Count == 0) && published.Count == 0)
                logger.LogInformation("orders/paid {OrderId} for {Shop} has no storybook in it", orderId,
                    context.ShopDomain);
        }
        await release.RefusedAsync(refused, ct);
        await release.PaidAsync(paid, ct);
    }
}

/// <summary>orders/cancelled and refunds/create: the download links of the books concerned stop working, and unfinished paid work stops.</summary>
public sealed class OrderReversedHandler(IDbContextFactory<AppDbContext> contexts, StoryPipeline pipeline, TimeProvider clock) : IWebhookHandler
{
    public IReadOnlyCollection<string> Topics => ["orders/cancelled", "refunds/create"];

    public async Task HandleAsync(WebhookContext context, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var shop = await db.Shops.AsNoTracking().SingleOrDefaultAsync(s => s.Domain == context.ShopDomain, ct);
        if (shop is null) return;
        var cancelled = context.Topic == "orders/cancelled";
        var orderId = context.Payload.TryGetProperty(cancelled ? "id" : "order_id", out var id) ? id.ToString() : null;
        if (orderId is null) return;
        // A cancellation withdraws every book of the order; a refund only the refunded lines' books.
        var refundedLines = !cancelled && context.Payload.TryGetProperty("refund_line_items", out var lines)
            && lines.ValueKind == JsonValueKind.Array
            ? lines.EnumerateArray().Select(l => l.TryGetProperty("line_item_id", out var lid) ? lid.ToString()
                : l.TryGetProperty("line_item", out var li) && li.TryGetProperty("id",
                    out var liid) ? liid.ToString() : null)
                .OfType<string>().ToList()
            : [];
        var named = cancelled ? OrderPayload.StoryIds(context.Payload) : [];
        var now = clock.GetUtcNow();
        var withdrawn = db.Deliveries.Where(d => d.ShopId == shop.Id && d.OrderId == orderId && d.RevokedAt == null
            && (cancelled || refundedLines.Contains(d.LineItemId)));
        var stories = (await withdrawn.Select(d => d.StoryId).ToListAsync(ct)).Union(named).ToList();
        await withdrawn.ExecuteUpdateAsync(u => u.SetProperty(d => d.RevokedAt, now), ct);
        if (stories.Count == 0) return;
        // Unfinished paid work stops unless another buyer's line still pays for it.
        var unfinished = await db.Stories.Where(s => s.ShopId == shop.Id && stories.Contains(s.Id)
                && (s.Status == StoryStatus.Generating || s.Status == StoryStatus.Preview)
                && !db.Deliveries.Any(d => d.StoryId == s.Id && d.RevokedAt == null))
            .Select(s => s.Id).ToListAsync(ct);
        foreach (var storyId in unfinished) await pipeline.CancelAsync(storyId, ct: ct);
        await db.Stories.Where(s => unfinished.Contains(s.Id)).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.Status, StoryStatus.Error)
            .SetProperty(s => s.FailureReason, $"Stopped: order {orderId} was {(cancelled ? "cancelled" : "refunded")}.")
            .SetProperty(s => s.UpdatedAt, now), ct);
    }
}

/// <summary>Reading our private line-item property out of Shopify's order payloads.</summary>
public static class OrderPayload
{
    public const string StoryProperty = "_story_id";

    /// <summary>One order line: its id, product, unit price and the stories its properties name.</summary>
    public sealed record Line(string Id, string? ProductId, decimal UnitPrice, IReadOnlyList<Guid> StoryIds);

    public static List<Line> Lines(JsonElement order) =>
        order.TryGetProperty("line_items", out var items) && items.ValueKind == JsonValueKind.Array
            ? [.. items.EnumerateArray().Where(l => l.TryGetProperty("id", out _)).Select(l => new Line(
                l.GetProperty("id").ToString(),
                l.TryGetProperty("product_id", out var p) && p.ValueKind == JsonValueKind.Number ? p.ToString() : null,
                l.TryGetProperty("price", out var price) && decimal.TryParse(price.ToString(),
                    System.Globalization.NumberStyles.Number,
                    System.Globalization.CultureInfo.InvariantCulture, out var unit) ? unit : 0m,
                [.. StoryIdsOfLine(l).Distinct()]))]
            : [];

    public static List<Guid> StoryIds(JsonElement order) => [.. Lines(order).SelectMany(l => l.StoryIds).Distinct()];

    public static IEnumerable<Guid> StoryIdsOfLine(JsonElement line)
    {
        if (!line.TryGetProperty("properties", out var props) || props.ValueKind != JsonValueKind.Array) yield break;
        foreach (var p in props.EnumerateArray())
            if (p.TryGetProperty("name", out var n) && n.GetString() == StoryProperty && p.TryGetProperty("value",
                out var v)
                && Guid.TryParse(v.ToString(), out var id))
                yield return id;
    }
}

/// <summary>
/// The mandatory compliance topics. Personal data here is the child's personalization and the book made
/// from it, linked to a customer by <c>shopify_customer_id</c> or to orders by <c>shopify_order_id</c>.
/// </summary>
public sealed class ComplianceHandler(IDbContextFactory<AppDbContext> contexts, IAssetStore assets,
    Stories.StoryEraser eraser, TimeProvider clock)
    : IWebhookHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    public IReadOnlyCollection<string> Topics => ["customers/data_request", "customers/redact", "shop/redact"];

    public async Task HandleAsync(WebhookContext context, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var shop = await db.Shops.AsNoTracking().SingleOrDefaultAsync(s => s.Domain == context.ShopDomain, ct);
        if (shop is null) return; // nothing held for a shop we never saw
        switch (context.Topic)
        {
            case "customers/data_request": await ExportAsync(db, shop, context, ct); break;
            case "customers/redact": await RedactCustomerAsync(db, shop, context.Payload, ct); break;
            case "shop/redact": await RedactShopAsync(db, shop, ct); break;
        }
    }

    private async Task ExportAsync(AppDbContext db, Shop shop, WebhookContext context, CancellationToken ct)
    {
        var customerId = CustomerId(context.Payload);
        if (customerId is null) return;
        var requestId = context.Payload.TryGetProperty("data_request", out var dr) && dr.TryGetProperty("id", out var rid) ? rid.ToString() : null;
        // Idempotent: one export per data request.
        if (requestId is not null && await db.DataExports.AnyAsync(x => x.ShopId == shop.Id && x.DataRequestId == requestId, ct)) return;
        var orders = OrderIds(context.Payload, "orders_requested");
        var stories = await db.Stories.AsNoTracking().Include(s => s.Pages)
            .Where(s => s.ShopId == shop.Id && (s.ShopifyCustomerId == customerId || (s.ShopifyOrderId != null && orders.Contains(s.ShopifyOrderId))))
            .OrderBy(s => s.CreatedAt).ToListAsync(ct);
        var export = new
        {
            customerId,
            generatedAt = clock.GetUtcNow(),
            stories = stories.Select(s => new
            {
                s.Id, s.Title, s.ChildName, s.AgeGroup, s.Genre, s.Language, s.MoralLesson, s.Companions, s.ShopifyOrderId, s.CreatedAt, s.Status,
                pages = s.Pages.OrderBy(p => p.Number).Select(p => p.Text),
            }),
        };
        db.DataExports.Add(new DataExport
        {
            Id = Guid.NewGuid(), ShopId = shop.Id, CustomerId = customerId, DataRequestId = requestId,
            Payload = JsonSerializer.Serialize(export, Json), CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
    }

    private async Task RedactCustomerAsync(AppDbContext db, Shop shop, JsonElement payload, CancellationToken ct)
    {
        var customerId = CustomerId(payload);
        var orders = OrderIds(payload, "orders_to_redact");
        // Their deliveries go; their own stories go, but never a book the merchant published (other buyers have it):
        // that book only forgets them.
        var theirs = db.Stories.Where(s => s.ShopId == shop.Id &&
            ((customerId != null && s.ShopifyCustomerId == customerId) || (s.ShopifyOrderId != null
                && orders.Contains(s.ShopifyOrderId))));
        var stories = await theirs.Where(s => s.ShopifyProductId == null
            && s.Status != StoryStatus.Published).Select(s => s.Id).ToListAsync(ct);
        await theirs.Where(s => s.ShopifyProductId != null
            || s.Status == StoryStatus.Published).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.ShopifyCustomerId, (string?)null).SetProperty(s => s.ShopifyOrderId,
                (string?)null), ct);
        await db.Deliveries.Where(d => d.ShopId == shop.Id && ((customerId != null && d.CustomerId == customerId)
            || orders.Contains(d.OrderId)))
            .ExecuteDeleteAsync(ct);
        await EraseStoriesAsync(db, shop.Id, stories, ct);
        if (customerId is not null) await db.DataExports.Where(x => x.ShopId == shop.Id && x.CustomerId == customerId).ExecuteDeleteAsync(ct);
        // Stored order webhooks carry the customer's name and email: they go too.
        await db.Database.ExecuteSqlAsync($"""
            DELETE FROM webhook_deliveries
            WHERE shop_domain = {shop.Domain} AND topic LIKE 'orders/%'
              AND ((payload -> 'customer' ->> 'id') = {customerId} OR (payload ->> 'id') = ANY({orders.ToArray()}))
            """, ct);
    }

    private async Task RedactShopAsync(AppDbContext db, Shop shop, CancellationToken ct)
    {
        var stories = await db.Stories.Where(s => s.ShopId == shop.Id).Select(s => s.Id).ToListAsync(ct);
        await EraseStoriesAsync(db, shop.Id, stories, ct);
        await assets.DeletePrefixAsync($"shops/{shop.Id:N}/", ct);
        await db.Shops.Where(s => s.Id == shop.Id).ExecuteDeleteAsync(ct); // exports and stories go with it
        // Every stored delivery of the shop but this one, which the dispatcher is about to mark processed.
        await db.WebhookDeliveries.Where(d => d.ShopDomain == shop.Domain && d.Topic != "shop/redact").ExecuteDeleteAsync(ct);
    }

    private Task EraseStoriesAsync(AppDbContext db, Guid shopId, List<Guid> stories, CancellationToken ct) =>
        eraser.EraseAsync(db, shopId, stories, ct);

    private static string? CustomerId(JsonElement payload) =>
        payload.TryGetProperty("customer", out var c) && c.TryGetProperty("id", out var id) && id.ValueKind != JsonValueKind.Null ? id.ToString() : null;

    private static List<string> OrderIds(JsonElement payload, string property) =>
        payload.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().Select(o => o.ToString()).ToList() : [];
}
