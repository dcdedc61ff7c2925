using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Storefront;

/// <summary>
/// Hands a paid, finished book to each of its buyers: a delivery per paid order line (made by orders/paid) with a
/// secret, expiring download page, and a Shopify fulfillment of just that line item with <c>notifyCustomer</c>, so
/// Shopify emails the buyer the link. Safe to repeat: a delivery is fulfilled once, and only for a line that is
/// still open. A fulfillment Shopify refuses (it would refuse it again) is recorded on the delivery at once; one
/// that keeps failing for another reason is recorded after the job's last attempt. The merchant sees both on the
/// story and can retry.
/// </summary>
public sealed partial class DeliverJob(
    IDbContextFactory<AppDbContext> contexts,
    ShopifyGraphQL graphql,
    IOptions<DeliveryOptions> options,
    IOptions<ShopifyOptions> shopify,
    TimeProvider clock,
    ILogger<DeliverJob> logger
)
{
    // Requested cost by Shopify's rules: 1 (order) + 2 + 5 × (1 + 2 + 20 × (1 + 1)) = 218 of the 1,000 a query may
    // cost. More fulfillment orders or line items than a page are read page by page.
    // order 1 + 10 fulfillments × (1 + tracking 1 + 2 + 10 line items × 2) = 241 points.
    public const string OrderFulfillments = """
        query orderFulfillments($id: ID!) {
          order(id: $id) { id fulfillments(first: 10) { id status trackingInfo { url } fulfillmentLineItems(first: 10)
            { nodes { id lineItem { id } } } } }
        }
        """;

    public const string TrackingUpdate = """
        mutation fulfillmentTrackingInfoUpdate($fulfillmentId: ID!, $trackingInfoInput: FulfillmentTrackingInput!,
          $notifyCustomer: Boolean) {
          fulfillmentTrackingInfoUpdate(fulfillmentId: $fulfillmentId, trackingInfoInput: $trackingInfoInput,
            notifyCustomer: $notifyCustomer) { fulfillment { id } userErrors { field message } }
        }
        """;

    private sealed record FulfillmentsData(FulfillmentsOrder? Order);

    private sealed record FulfillmentsOrder(IReadOnlyList<FulfillmentNode> Fulfillments);

    private sealed record FulfillmentNode(
        string Id,
        string Status,
        IReadOnlyList<TrackingInfo> TrackingInfo,
        FulfillmentLines FulfillmentLineItems
    );

    private sealed record TrackingInfo(string? Url);

    private sealed record FulfillmentLines(IReadOnlyList<FulfillmentLine> Nodes);

    private sealed record FulfillmentLine(IdOnly LineItem);

    public const string FulfillmentOrders = """
        query fulfillmentOrders($id: ID!, $after: String) {
          order(id: $id) {
            fulfillmentOrders(first: 5, after: $after) {
              pageInfo { hasNextPage endCursor }
              nodes {
                id status
                lineItems(first: 20) { pageInfo { hasNextPage endCursor } nodes { id remainingQuantity lineItem
                  { id } } }
              }
            }
          }
        }
        """;

    // 1 + 2 + 50 × (1 + 1) = 103.
    public const string FulfillmentOrderLineItems = """
        query fulfillmentOrderLineItems($id: ID!, $after: String) {
          fulfillmentOrder(id: $id) {
            lineItems(first: 50, after: $after) { pageInfo { hasNextPage endCursor } nodes { id
              remainingQuantity lineItem { id } } }
          }
        }
        """;

    public const string FulfillmentCreate = """
        mutation fulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {
          fulfillmentCreate(fulfillment: $fulfillment, message: $message) { fulfillment { id status } userErrors
            { field message } }
        }
        """;

    private sealed record OrderData(OrderNode? Order);

    private sealed record OrderNode(Connection<FulfillmentOrderNode> FulfillmentOrders);

    private sealed record FulfillmentOrderNode(string Id, string Status, Connection<FulfillmentOrderLine> LineItems);

    private sealed record FulfillmentOrderData(FulfillmentOrderLinesNode? FulfillmentOrder);

    private sealed record FulfillmentOrderLinesNode(Connection<FulfillmentOrderLine> LineItems);

    private sealed record FulfillmentOrderLine(string Id, int RemainingQuantity, IdOnly LineItem);

    private sealed record IdOnly(string Id);

    private sealed record FulfillmentCreated(IdOnly Fulfillment);

    /// <summary>The buyer's download page, absolute: Shopify's <c>URL</c> scalar refuses a relative one.</summary>
    public string PageUrl(string token) =>
        DeliveryOptions.PublicBase(options.Value, shopify.Value) is { } root
            ? $"{root}/downloads/{token}"
            : throw new InvalidOperationException(
                "Delivery:PublicBaseUrl (or Shopify:AppUrl) must be the app's public URL to deliver books."
            );

    [Jobs.StoryJobName("Delivery · story {0}")]
    public async Task RunAsync(Guid storyId, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var story = await db.Stories.AsNoTracking().Include(s => s.Shop).SingleOrDefaultAsync(s => s.Id == storyId, ct);
        if (story is null || story.Status is not (StoryStatus.Complete or StoryStatus.Published))
            return;
        // Every paid line of this book not yet handed over (a failed one too: a retry or a requeue tries it again).
        var pending = await db
            .Deliveries.AsNoTracking()
            .Where(d => d.StoryId == storyId && d.RevokedAt == null && d.FulfillmentId == null)
            .OrderBy(d => d.CreatedAt)
            .ToListAsync(ct);
        foreach (var delivery in pending)
        {
            string fulfillmentId;
            try
            {
                fulfillmentId = await FulfilAsync(story, delivery, ct);
            }
            catch (Exception e) when (ShopifyRefusal.IsPermanent(e))
            {
                // Asking again gets the same answer: the merchant sees why and can retry once it is fixed; the
                // download page works meanwhile. The other buyers' lines still go.
                await FailedAsync(db, delivery.Id, $"Shopify refused the fulfillment: {e.Message}", ct);
                Log.DeliveryRefused(logger, storyId, delivery.OrderId, e.Message);
                continue;
            }
            await db
                .Deliveries.Where(d => d.Id == delivery.Id)
                .ExecuteUpdateAsync(
                    u =>
                        u.SetProperty(d => d.FulfillmentId, fulfillmentId)
                            .SetProperty(d => d.FailureReason, (string?)null)
                            .SetProperty(d => d.FailedAt, (DateTimeOffset?)null),
                    ct
                );
            Log.StoryDelivered(logger, story.Id, delivery.OrderId, delivery.LineItemId);
        }
    }

    /// <summary>After the job's last attempt: every delivery of the story still waiting says why.</summary>
    public static async Task FailedAfterRetriesAsync(
        AppDbContext db,
        Guid storyId,
        string reason,
        DateTimeOffset now,
        CancellationToken ct
    ) =>
        await db
            .Deliveries.Where(d => d.StoryId == storyId && d.RevokedAt == null && d.FulfillmentId == null)
            .ExecuteUpdateAsync(
                u => u.SetProperty(d => d.FailureReason, Trim(reason)).SetProperty(d => d.FailedAt, now),
                ct
            );

    private Task<int> FailedAsync(AppDbContext db, Guid deliveryId, string reason, CancellationToken ct) =>
        db
            .Deliveries.Where(d => d.Id == deliveryId)
            .ExecuteUpdateAsync(
                u => u.SetProperty(d => d.FailureReason, Trim(reason)).SetProperty(d => d.FailedAt, clock.GetUtcNow()),
                ct
            );

    private static string Trim(string reason) => reason.Length > 1000 ? reason[..1000] : reason;

    /// <summary>Fulfils only this delivery's line (the order may hold other things), and only while it is still
    /// open.</summary>
    private async Task<string> FulfilAsync(Story story, Delivery delivery, CancellationToken ct)
    {
        var shop = story.Shop!.Domain;
        var lines = await OpenLinesAsync(shop, delivery, ct);
        if (lines.Count == 0)
        {
            // Fulfilled already — a shop that fulfils orders automatically: the link goes on Shopify's own
            // fulfillment of the line, and the customer is told (a shipping-update email).
            if (await FulfillmentOfLineAsync(shop, delivery, ct) is { } existing)
            {
                if (existing.TrackingInfo.Any(t => t.Url == PageUrl(delivery.Token)))
                    return existing.Id; // done before (a job run again): the customer is not told twice
                await graphql.MutateAsync(
                    shop,
                    TrackingUpdate,
                    "fulfillmentTrackingInfoUpdate",
                    new
                    {
                        fulfillmentId = existing.Id,
                        notifyCustomer = true,
                        trackingInfoInput = new
                        {
                            company = "StorybookShop",
                            number = "Download",
                            url = PageUrl(delivery.Token),
                        },
                    },
                    ct: ct
                );
                return existing.Id;
            }
            Log.NoOpenLineToFulfil(logger, story.Id, delivery.OrderId);
            return "none-open";
        }
        var created = await graphql.MutateAsync<FulfillmentCreated>(
            shop,
            FulfillmentCreate,
            "fulfillmentCreate",
            new
            {
                fulfillment = new
                {
                    notifyCustomer = true,
                    trackingInfo = new
                    {
                        company = "StorybookShop",
                        number = "Download",
                        url = PageUrl(delivery.Token),
                    },
                    lineItemsByFulfillmentOrder = lines
                        .GroupBy(l => l.FulfillmentOrderId)
                        .Select(g => new
                        {
                            fulfillmentOrderId = g.Key,
                            fulfillmentOrderLineItems = g.Select(l => new { id = l.LineId, quantity = l.Quantity })
                                .ToList(),
                        })
                        .ToList(),
                },
                message = $"Your personalized book \"{story.Title}\" is ready: download it from the link "
                    + $"(valid until {delivery.ExpiresAt:yyyy-MM-dd}).",
            },
            ct
        );
        return created.Fulfillment.Id;
    }

    /// <summary>The fulfillment (not cancelled) that already holds this delivery's line, or null.</summary>
    private async Task<FulfillmentNode?> FulfillmentOfLineAsync(string shop, Delivery delivery, CancellationToken ct)
    {
        var lineItem = $"gid://shopify/LineItem/{delivery.LineItemId}";
        var data = await graphql.QueryAsync<FulfillmentsData>(
            shop,
            OrderFulfillments,
            new { id = $"gid://shopify/Order/{delivery.OrderId}" },
            ct
        );
        return data.Order?.Fulfillments.FirstOrDefault(f =>
            f.Status is not ("CANCELLED" or "ERROR" or "FAILURE")
            && f.FulfillmentLineItems.Nodes.Any(l => l.LineItem.Id == lineItem)
        );
    }

    /// <summary>This delivery's order line in every open fulfillment order of the order, page by page.</summary>
    private async Task<List<(string FulfillmentOrderId, string LineId, int Quantity)>> OpenLinesAsync(
        string shop,
        Delivery delivery,
        CancellationToken ct
    )
    {
        var lineItem = $"gid://shopify/LineItem/{delivery.LineItemId}";
        var lines = new List<(string, string, int)>();
        string? after = null;
        do
        {
            var page = await graphql.QueryAsync<OrderData>(
                shop,
                FulfillmentOrders,
                new { id = $"gid://shopify/Order/{delivery.OrderId}", after },
                ct
            );
            if (page.Order is null)
                break;
            foreach (var fo in page.Order.FulfillmentOrders.Nodes)
            {
                if (fo.Status is not ("OPEN" or "IN_PROGRESS"))
                    continue;
                var items = fo.LineItems;
                while (true)
                {
                    lines.AddRange(
                        items
                            .Nodes.Where(l => l.LineItem.Id == lineItem && l.RemainingQuantity > 0)
                            .Select(l => (fo.Id, l.Id, l.RemainingQuantity))
                    );
                    if (items.Next is not { } next)
                        break;
                    var more = await graphql.QueryAsync<FulfillmentOrderData>(
                        shop,
                        FulfillmentOrderLineItems,
                        new { id = fo.Id, after = next },
                        ct
                    );
                    if (more.FulfillmentOrder is null)
                        break;
                    items = more.FulfillmentOrder.LineItems;
                }
            }
            after = page.Order.FulfillmentOrders.Next;
        } while (after is not null);
        return lines;
    }

    private static partial class Log
    {
        [LoggerMessage(
            Level = LogLevel.Warning,
            Message = "Story {StoryId}: Shopify refused the fulfillment of order {OrderId}: {Reason}"
        )]
        public static partial void DeliveryRefused(ILogger logger, Guid storyId, string orderId, string reason);

        [LoggerMessage(
            Level = LogLevel.Information,
            Message = "Story {StoryId} delivered for order {OrderId}, line {LineItemId}"
        )]
        public static partial void StoryDelivered(ILogger logger, Guid storyId, string orderId, string lineItemId);

        [LoggerMessage(
            Level = LogLevel.Information,
            Message = "Story {StoryId}: order {OrderId} has no open line for it; the download page is ready "
                + "without a new fulfillment"
        )]
        public static partial void NoOpenLineToFulfil(ILogger logger, Guid storyId, string orderId);
    }
}
