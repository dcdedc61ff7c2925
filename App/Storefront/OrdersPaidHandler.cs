using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Shopify.Webhooks;

namespace StorybookShop.Storefront;

/// <summary>
/// orders/paid: each line item that names a story (the private property <c>_story_id</c>, which the storefront block
/// adds) or is a book published as its own product. A line releases its story only when the line is a product that
/// sells books — one of the shop's book products (Settings) or the story's own published product — and its unit
/// price covers the shop's book price when one is set; anything else leaves the story a preview and says why on
/// it. Each paid line becomes one delivery. A repeated delivery of the webhook finds everything already done.
/// </summary>
public sealed partial class OrdersPaidHandler(
    IDbContextFactory<AppDbContext> contexts,
    Storefront.StoryRelease release,
    ILogger<OrdersPaidHandler> logger
) : IWebhookBatchHandler
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
        var shops = await db
            .Shops.AsNoTracking()
            .Where(s => domains.Contains(s.Domain))
            .ToDictionaryAsync(s => s.Domain, ct);
        foreach (var context in batch)
        {
            var orderId = context.Payload.TryGetProperty("id", out var id) ? id.ToString() : null;
            if (orderId is null || !shops.TryGetValue(context.ShopDomain, out var shop))
                continue;
            var customerId =
                context.Payload.TryGetProperty("customer", out var c)
                && c.ValueKind == JsonValueKind.Object
                && c.TryGetProperty("id", out var cid)
                    ? cid.ToString()
                    : null;
            var lines = OrderPayload.Lines(context.Payload);
            // A book the merchant published as its own product carries no _story_id: its product id leads to it.
            var products = lines
                .Where(l => l.ProductId is not null)
                .Select(l => $"gid://shopify/Product/{l.ProductId}")
                .Distinct()
                .ToList();
            var named = lines.SelectMany(l => l.StoryIds).Distinct().ToList();
            var published =
                products.Count == 0 && named.Count == 0
                    ? []
                    : await db
                        .Stories.AsNoTracking()
                        .Where(s =>
                            s.ShopId == shop.Id
                            && s.ShopifyProductId != null
                            && (products.Contains(s.ShopifyProductId) || named.Contains(s.Id))
                        )
                        .Select(s => new { s.Id, s.ShopifyProductId })
                        .ToListAsync(ct);
            var bookProducts = shop.Settings.BookProductIds ?? [];
            foreach (var line in lines)
            {
                var product = $"gid://shopify/Product/{line.ProductId}";
                var ownProduct = published.Where(p => p.ShopifyProductId == product).Select(p => p.Id).ToList();
                var released = 0;
                foreach (var storyId in line.StoryIds.Union(ownProduct))
                {
                    var reason = Refusal(
                        orderId,
                        line,
                        storyId,
                        ownProduct.Contains(storyId),
                        published.FirstOrDefault(p => p.Id == storyId)?.ShopifyProductId,
                        bookProducts,
                        shop.Settings.Price
                    );
                    // One unit pays for one book: a line names at most as many books as it bought units of.
                    if (reason is null && released >= line.Quantity)
                        reason =
                            $"Order {orderId}: line {line.Id} paid for {line.Quantity} book(s) and names more; "
                            + "this one was not paid for.";
                    if (reason is null)
                    {
                        released++;
                        paid.Add(new Storefront.PaidStory(context.ShopDomain, storyId, orderId, line.Id, customerId));
                    }
                    else
                        refused.Add(new Storefront.RefusedStory(shop.Id, storyId, reason));
                }
            }
            if (lines.All(l => l.StoryIds.Count == 0) && published.Count == 0)
                Log.OrderWithoutStorybook(logger, orderId, context.ShopDomain);
        }
        await release.RefusedAsync(refused, ct);
        await release.PaidAsync(paid, ct);
    }

    /// <summary>
    /// Why a line does not pay for a story, or null when it does: the line must be the story's own published product,
    /// or — for a book not published as its own product — one of the shop's book products, at no less than the
    /// shop's book price. A published book is sold at its product's own price: a generic book-product line naming it
    /// does not release it.
    /// </summary>
    private static string? Refusal(
        string orderId,
        OrderPayload.Line line,
        Guid storyId,
        bool isOwnProduct,
        string? publishedAs,
        IReadOnlyCollection<string> bookProducts,
        decimal? price
    )
    {
        if (isOwnProduct)
            return price is { } p && line.UnitPrice < p ? BelowPrice(orderId, line, p) : null;
        if (line.ProductId is null || !bookProducts.Contains(line.ProductId))
            return $"Order {orderId}: the paid line is not a book product (product {line.ProductId ?? "none"}).";
        if (publishedAs is not null)
            return $"Order {orderId}: this book is sold as its own product ({publishedAs}); the line bought the "
                + $"generic book product {line.ProductId}.";
        return price is { } q && line.UnitPrice < q ? BelowPrice(orderId, line, q) : null;
    }

    private static string BelowPrice(string orderId, OrderPayload.Line line, decimal price) =>
        $"Order {orderId}: the paid line's price {line.UnitPrice:0.00} is below the book's price {price:0.00}.";

    private static partial class Log
    {
        [LoggerMessage(
            Level = LogLevel.Information,
            Message = "orders/paid {OrderId} for {Shop} has no storybook in it"
        )]
        public static partial void OrderWithoutStorybook(ILogger logger, string orderId, string shop);
    }
}
