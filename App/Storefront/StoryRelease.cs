using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Npgsql;
using StorybookShop.Data;
using StorybookShop.Generation;

namespace StorybookShop.Storefront;

/// <summary>
/// What paying for a book does to it: one delivery per paid order line (the buyer's own download page, made when
/// the book is ready), the book counted against the shop's plan (<see cref="Billing.BookCharges"/>), the rest of the
/// book released, delivery enqueued when it is ready.
/// </summary>
public sealed partial class StoryRelease(
    NpgsqlDataSource dataSource,
    StoryPipeline pipeline,
    Billing.BookCharges charges,
    Hangfire.IBackgroundJobClientV2 jobs,
    IOptions<DeliveryOptions> delivery,
    TimeProvider clock,
    ILogger<StoryRelease> logger
)
{
    /// <summary>
    /// Every book of a batch of paid orders in two statements (the webhook dispatcher hands over a whole batch), each
    /// matched with its shop's domain. Idempotent: a repeated orders/paid finds its deliveries (unique per story, order
    /// and line) and the story already released.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage(
        "Security",
        "CA2100",
        Justification = "The only text added to the SQL is the story lifecycle's own status names; values are "
            + "parameters."
    )]
    public async Task<int> PaidAsync(IReadOnlyList<PaidStory> paid, CancellationToken ct)
    {
        if (paid.Count == 0)
            return 0;
        var now = clock.GetUtcNow();
        var released = new List<(Guid Id, string Status)>();
        IReadOnlyList<Guid> toCharge;
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            await using (
                var deliveries = new NpgsqlCommand(
                    """
                    INSERT INTO deliveries (id, shop_id, story_id, order_id, line_item_id, customer_id, token,
                      created_at, expires_at)
                    SELECT gen_random_uuid(), sh.id, s.id, v.order_id, v.line_id, v.customer_id, v.token, @now, @expires
                    FROM unnest(@stories, @orders, @lines, @customers, @shops, @tokens) AS v(story_id, order_id,
                      line_id, customer_id, shop_domain, token)
                    JOIN shops sh ON sh.domain = v.shop_domain
                    JOIN stories s ON s.id = v.story_id AND s.shop_id = sh.id AND s.status <> 'Archived'
                    ON CONFLICT (story_id, order_id, line_item_id) DO NOTHING
                    """,
                    conn,
                    tx
                )
            )
            {
                AddPaid(deliveries, paid, now);
                deliveries.Parameters.AddWithValue("expires", now + delivery.Value.LinkLifetime);
                deliveries.Parameters.AddWithValue("lines", paid.Select(p => p.LineItemId).ToArray());
                deliveries.Parameters.AddWithValue("tokens", paid.Select(_ => NewToken()).ToArray());
                await deliveries.ExecuteNonQueryAsync(ct);
            }
            // The story keeps its first order and customer for the merchant's list; who bought it lives in deliveries.
            await using (
                var cmd = new NpgsqlCommand(
                    $$"""
                    UPDATE stories s SET shopify_order_id = COALESCE(s.shopify_order_id, v.order_id),
                           shopify_customer_id = COALESCE(s.shopify_customer_id, v.customer_id),
                           paid_at = COALESCE(s.paid_at, @now), released = TRUE, updated_at = @now,
                           failure_reason = CASE WHEN {{StoryLifecycle.Release.SqlAllowed(
                        "s"
                    )}} THEN NULL ELSE s.failure_reason END,
                           status = {{StoryLifecycle.Release.SqlStatus("s")}}
                    FROM (SELECT DISTINCT ON (story_id) *
                      FROM unnest(@stories, @orders, @customers, @shops) AS u(story_id, order_id, customer_id,
                        shop_domain)) AS v
                    JOIN shops sh ON sh.domain = v.shop_domain
                    WHERE s.id = v.story_id AND s.shop_id = sh.id AND s.status <> 'Archived'
                    RETURNING s.id, s.status
                    """,
                    conn,
                    tx
                )
            )
            {
                AddPaid(cmd, paid, now);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                    released.Add((reader.GetGuid(0), reader.GetString(1)));
            }
            // Each book handed over counts against the shop's plan, in the same transaction as its delivery.
            toCharge = await charges.RecordAsync(
                conn,
                tx,
                [.. paid.Select(p => new Billing.BookCharges.Sold(p.StoryId, p.OrderId, p.LineItemId, p.ShopDomain))],
                now,
                ct
            );
            await tx.CommitAsync(ct);
        }
        foreach (var shopId in toCharge)
            Billing.ChargeBooksJob.Enqueue(jobs, shopId);
        foreach (var p in paid.Where(p => released.All(r => r.Id != p.StoryId)))
            // Not ours (any more): an old cart after a customers/redact, or a property edited by hand. Nothing to
            // deliver.
            Log.PaidStoryOfAnotherShop(logger, p.OrderId, p.StoryId, p.ShopDomain);
        // The pipeline makes the rest of a released preview, or delivers a finished book.
        foreach (var (id, _) in released)
            await pipeline.AdvanceAsync(id, ct);
        return released.Count;
    }

    /// <summary>Stories named by a line that does not pay for them stay previews; the merchant sees why on the
    /// story.</summary>
    public async Task RefusedAsync(IReadOnlyList<RefusedStory> refused, CancellationToken ct)
    {
        if (refused.Count == 0)
            return;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            """
            UPDATE stories s SET failure_reason = v.reason, updated_at = @now
            FROM unnest(@stories, @shops, @reasons) AS v(story_id, shop_id, reason)
            WHERE s.id = v.story_id AND s.shop_id = v.shop_id AND s.status = 'Preview'
            """,
            conn
        );
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        cmd.Parameters.AddWithValue("stories", refused.Select(r => r.StoryId).ToArray());
        cmd.Parameters.AddWithValue("shops", refused.Select(r => r.ShopId).ToArray());
        cmd.Parameters.AddWithValue("reasons", refused.Select(r => r.Reason).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
        foreach (var r in refused)
            Log.StoryNotReleased(logger, r.StoryId, r.Reason);
    }

    /// <summary>The paid lines as parallel arrays (<c>@stories, @orders, @customers, @shops</c>) and
    /// <c>@now</c>.</summary>
    private static void AddPaid(NpgsqlCommand cmd, IReadOnlyList<PaidStory> paid, DateTimeOffset now)
    {
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("stories", paid.Select(p => p.StoryId).ToArray());
        cmd.Parameters.AddWithValue("orders", paid.Select(p => p.OrderId).ToArray());
        cmd
            .Parameters.AddWithValue("customers", paid.Select(p => (object?)p.CustomerId ?? DBNull.Value).ToArray())
            .NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text;
        cmd.Parameters.AddWithValue("shops", paid.Select(p => p.ShopDomain).ToArray());
    }

    private static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static partial class Log
    {
        [LoggerMessage(
            Level = LogLevel.Information,
            Message = "orders/paid {OrderId} names story {StoryId}, which {Shop} does not have"
        )]
        public static partial void PaidStoryOfAnotherShop(ILogger logger, string orderId, Guid storyId, string shop);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Story {StoryId} not released: {Reason}")]
        public static partial void StoryNotReleased(ILogger logger, Guid storyId, string reason);
    }
}
