using Microsoft.Extensions.Options;
using Npgsql;
using StorybookShop.Data;

namespace StorybookShop.Billing;

/// <summary>
/// Counts the books a paid order hands over against each shop's plan, inside the transaction that makes their
/// deliveries: one row per delivered book (story, order, line), numbered within the subscription's period under a
/// per-shop lock, so two nodes releasing at once number them once; the first <c>IncludedBooks</c> are included,
/// each one after is a pending usage charge. A replayed webhook finds its rows and adds none.
/// </summary>
public sealed class BookCharges(IOptions<BillingOptions> options)
{
    public sealed record Sold(Guid StoryId, string OrderId, string LineItemId, string ShopDomain);

    /// <summary>Records the books; returns the shops that now have charges to send.</summary>
    public async Task<IReadOnlyList<Guid>> RecordAsync(
        NpgsqlConnection conn,
        NpgsqlTransaction tx,
        IReadOnlyList<Sold> sold,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var charged = new List<Guid>();
        foreach (var sub in await ActiveSubscriptionsAsync(conn, tx, sold, ct))
        {
            if (options.Value.Find(sub.PlanHandle) is not { } plan)
                continue;
            await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@key))", conn, tx))
            {
                lockCmd.Parameters.AddWithValue("key", $"book_charges:{sub.ShopId}");
                await lockCmd.ExecuteNonQueryAsync(ct);
            }
            var (start, _) = PlanUsage.PeriodOf(sub, now);
            var books = await NewBooksAsync(conn, tx, sub.ShopId, sold, ct);
            var count = await CountAsync(conn, tx, sub, start, ct);
            foreach (var (storyId, orderId, lineId) in books)
            {
                count++;
                var extra = count > plan.IncludedBooks;
                await using var insert = new NpgsqlCommand(
                    """
                    INSERT INTO book_charges (id, shop_id, story_id, order_id, line_item_id, subscription_id,
                      period_start, sequence, amount, currency, idempotency_key, status, created_at)
                    VALUES (gen_random_uuid(), @shop, @story, @order, @line, @sub, @start, @seq, @amount, @currency,
                      @key, @status, @now)
                    ON CONFLICT DO NOTHING
                    """,
                    conn,
                    tx
                );
                insert.Parameters.AddWithValue("shop", sub.ShopId);
                insert.Parameters.AddWithValue("story", storyId);
                insert.Parameters.AddWithValue("order", orderId);
                insert.Parameters.AddWithValue("line", lineId);
                insert.Parameters.AddWithValue("sub", sub.ShopifyId);
                insert.Parameters.AddWithValue("start", start);
                insert.Parameters.AddWithValue("seq", count);
                insert.Parameters.AddWithValue("amount", extra ? plan.PricePerBook : 0m);
                insert.Parameters.AddWithValue("currency", sub.Currency);
                insert.Parameters.AddWithValue("key", IdempotencyKey(storyId, orderId, lineId));
                insert.Parameters.AddWithValue(
                    "status",
                    extra ? BookCharge.States.Pending : BookCharge.States.Included
                );
                insert.Parameters.AddWithValue("now", now);
                await insert.ExecuteNonQueryAsync(ct);
                if (extra && !charged.Contains(sub.ShopId))
                    charged.Add(sub.ShopId);
            }
        }
        return charged;
    }

    /// <summary>The key Shopify dedupes a usage record by: the book and the order line that paid for it (≤ 255
    /// characters).</summary>
    public static string IdempotencyKey(Guid storyId, string orderId, string lineItemId) =>
        $"storybook-{storyId:N}-order-{orderId}-line-{lineItemId}";

    private static async Task<List<Subscription>> ActiveSubscriptionsAsync(
        NpgsqlConnection conn,
        NpgsqlTransaction tx,
        IReadOnlyList<Sold> sold,
        CancellationToken ct
    )
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT s.shop_id, s.plan_handle, s.shopify_id, s.currency, s.created_at, s.current_period_end
            FROM subscriptions s JOIN shops sh ON sh.id = s.shop_id
            WHERE sh.domain = ANY(@domains) AND s.status = 'ACTIVE'
            """,
            conn,
            tx
        );
        cmd.Parameters.AddWithValue("domains", sold.Select(s => s.ShopDomain).Distinct().ToArray());
        var subs = new List<Subscription>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            subs.Add(
                new Subscription
                {
                    ShopId = reader.GetGuid(0),
                    PlanHandle = reader.GetString(1),
                    ShopifyId = reader.GetString(2),
                    Status = "ACTIVE",
                    Currency = reader.GetString(3),
                    CreatedAt = await reader.GetFieldValueAsync<DateTimeOffset>(4, ct),
                    CurrentPeriodEnd = await reader.IsDBNullAsync(5, ct)
                        ? null
                        : await reader.GetFieldValueAsync<DateTimeOffset>(5, ct),
                }
            );
        return subs;
    }

    /// <summary>The shop's delivered books among <paramref name="sold"/> that have no charge row yet, in
    /// order.</summary>
    private static async Task<List<(Guid, string, string)>> NewBooksAsync(
        NpgsqlConnection conn,
        NpgsqlTransaction tx,
        Guid shopId,
        IReadOnlyList<Sold> sold,
        CancellationToken ct
    )
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT d.story_id, d.order_id, d.line_item_id
            FROM deliveries d
            JOIN unnest(@stories, @orders, @lines) WITH ORDINALITY AS v(story_id, order_id, line_item_id, n)
              ON d.story_id = v.story_id AND d.order_id = v.order_id AND d.line_item_id = v.line_item_id
            WHERE d.shop_id = @shop AND NOT EXISTS (SELECT 1 FROM book_charges c WHERE c.story_id = d.story_id
              AND c.order_id = d.order_id AND c.line_item_id = d.line_item_id)
            ORDER BY v.n
            """,
            conn,
            tx
        );
        cmd.Parameters.AddWithValue("shop", shopId);
        cmd.Parameters.AddWithValue("stories", sold.Select(s => s.StoryId).ToArray());
        cmd.Parameters.AddWithValue("orders", sold.Select(s => s.OrderId).ToArray());
        cmd.Parameters.AddWithValue("lines", sold.Select(s => s.LineItemId).ToArray());
        var books = new List<(Guid, string, string)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            books.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2)));
        return books;
    }

    private static async Task<int> CountAsync(
        NpgsqlConnection conn,
        NpgsqlTransaction tx,
        Subscription sub,
        DateTimeOffset start,
        CancellationToken ct
    )
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT count(*) FROM book_charges
            WHERE shop_id = @shop AND subscription_id = @sub AND period_start = @start
            """,
            conn,
            tx
        );
        cmd.Parameters.AddWithValue("shop", sub.ShopId);
        cmd.Parameters.AddWithValue("sub", sub.ShopifyId);
        cmd.Parameters.AddWithValue("start", start);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
