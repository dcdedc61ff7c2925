using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Storefront;

/// <summary>
/// Hands a paid, finished book to each of its buyers: a delivery per paid order line (made by orders/paid) with a
/// secret, expiring download page, and a Shopify fulfillment of just that line item with <c>notifyCustomer</c>, so
/// Shopify emails the buyer the link. Safe to repeat: a delivery is fulfilled once, and only for a line that is
/// still open.
/// </summary>
public sealed partial class DeliverJob(IDbContextFactory<AppDbContext> contexts, ShopifyGraphQL graphql,
    IOptions<DeliveryOptions> options, IOptions<ShopifyOptions> shopify,
    ILogger<DeliverJob> logger)
{
    public const string FulfillmentOrders = """
        query fulfillmentOrders($id: ID!) {
          order(id: $id) { fulfillmentOrders(first: 20) { nodes { id status lineItems(first: 50) { nodes { id remainingQuantity lineItem { id } } } } } }
        }
        """;

    public const string FulfillmentCreate = """
        mutation fulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {
          fulfillmentCreate(fulfillment: $fulfillment, message: $message) { fulfillment { id status } userErrors { field message } }
        }
        """;

    public string PageUrl(string token) =>
        $"{(string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl) ? shopify.Value.AppUrl : options.Value.PublicBaseUrl)?.TrimEnd('/')}/downloads/{token}";

    [System.ComponentModel.DisplayName("Deliver · story {0}")]
    public async Task RunAsync(Guid storyId, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var story = await db.Stories.AsNoTracking().Include(s => s.Shop).SingleOrDefaultAsync(s => s.Id == storyId, ct);
        if (story is null || story.Status is not (StoryStatus.Complete or StoryStatus.Published)) return;
        // Every paid line of this book not yet handed over: one buyer each.
        var pending = await db.Deliveries.AsNoTracking()
            .Where(d => d.StoryId == storyId && d.RevokedAt == null
                && d.FulfillmentId == null).OrderBy(d => d.CreatedAt).ToListAsync(ct);
        foreach (var delivery in pending)
        {
            string fulfillmentId;
            try
            {
                fulfillmentId = await FulfilAsync(story, delivery, ct);
            }
            catch (ShopifyMissingScopeException e)
            {
                // Asking again gets the same refusal: the merchant sees what to approve; the download page works
                // meanwhile.
                await db.Stories.Where(s => s.Id == storyId)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.FailureReason,
                        $"Delivery not fulfilled: {e.Message}"), ct);
                Log.Story(logger, storyId, e.Message);
                return;
            }
            await db.Deliveries.Where(d => d.Id == delivery.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.FulfillmentId, fulfillmentId), ct);
            Log.StoryDeliveredForOrderLine(logger, story.Id, delivery.OrderId, delivery.LineItemId);
        }
    }

    /// <summary>Fulfils only this delivery's line (the order may hold other things), and only while it is still
    /// open.</summary>
    private async Task<string> FulfilAsync(Story story, Delivery delivery, CancellationToken ct)
    {
        var shop = story.Shop!.Domain;
        var data = await graphql.QueryAsync(shop, FulfillmentOrders,
            new { id = $"gid://shopify/Order/{delivery.OrderId}" }, ct: ct);
        var lines = new List<(string FulfillmentOrderId, string LineId, int Quantity)>();
        if (data.GetProperty("order") is { ValueKind: JsonValueKind.Object } order)
            foreach (var fo in order.GetProperty("fulfillmentOrders").GetProperty("nodes").EnumerateArray())
            {
                if (fo.GetProperty("status").GetString() is not ("OPEN" or "IN_PROGRESS")) continue;
                foreach (var line in fo.GetProperty("lineItems").GetProperty("nodes").EnumerateArray())
                {
                    var item = line.GetProperty("lineItem");
                    var remaining = line.GetProperty("remainingQuantity").GetInt32();
                    if (item.GetProperty("id").GetString() == $"gid://shopify/LineItem/{delivery.LineItemId}"
                        && remaining > 0)
                        lines.Add((fo.GetProperty("id").GetString()!, line.GetProperty("id").GetString()!, remaining));
                }
            }
        if (lines.Count == 0)
        {
            Log.StoryOrderHasNoOpenLine(logger, story.Id, delivery.OrderId);
            return "none-open";
        }
        var payload = await graphql.MutateAsync(shop, FulfillmentCreate, "fulfillmentCreate", new
        {
            fulfillment = new
            {
                notifyCustomer = true,
                trackingInfo = new { company = "StorybookShop", number = "Download", url = PageUrl(delivery.Token) },
                lineItemsByFulfillmentOrder = lines.GroupBy(l => l.FulfillmentOrderId).Select(g => new
                {
                    fulfillmentOrderId = g.Key,
                    fulfillmentOrderLineItems = g.Select(l => new { id = l.LineId, quantity = l.Quantity }).ToList(),
                }).ToList(),
            },
            message = $"Your personalized book \"{story.Title}\" is ready: download it from the link (valid until {delivery.ExpiresAt:yyyy-MM-dd}).",
        }, ct: ct);
        return payload.GetProperty("fulfillment").GetProperty("id").GetString()!;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Story {StoryId}: {Reason}")]
        public static partial void Story(ILogger logger, Guid storyId, string reason);

        [LoggerMessage(Level = LogLevel.Information,
            Message = "Story {StoryId} delivered for order {OrderId}, line {LineItemId}")]
        public static partial void StoryDeliveredForOrderLine(ILogger logger, Guid storyId, string orderId,
            string lineItemId);

        [LoggerMessage(Level = LogLevel.Information,
            Message =
                "Story {StoryId}: order {OrderId} has no open line for it; the download page is ready without a new " +
                    "fulfillment")]
        public static partial void StoryOrderHasNoOpenLine(ILogger logger, Guid storyId, string orderId);
    }

}
