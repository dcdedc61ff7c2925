using Npgsql;
using StorybookShop.Data;
using StorybookShop.Generation;

namespace StorybookShop.Storefront;

/// <summary>One book named by a paid order.</summary>
public sealed record PaidStory(string ShopDomain, Guid StoryId, string OrderId, string? CustomerId);

/// <summary>What paying for a book does to it: linked to the order and customer, the rest of the book released, delivery scheduled when it is ready.</summary>
public sealed class StoryRelease(NpgsqlDataSource dataSource, StoryPipeline pipeline, Jobs.StoryJobs jobs, TimeProvider clock,
    ILogger<StoryRelease> logger)
{
    /// <summary>
    /// Every book of a batch of paid orders in one statement (the webhook dispatcher hands over a whole batch),
    /// each matched with its shop's domain. Idempotent: a repeated orders/paid finds the story already linked and
    /// released, and delivery already scheduled or done (deliveries are unique per story and order).
    /// </summary>
    public async Task<int> PaidAsync(IReadOnlyList<PaidStory> paid, CancellationToken ct)
    {
        if (paid.Count == 0) return 0;
        var released = new List<(Guid Id, string Status)>();
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        await using (var cmd = new NpgsqlCommand("""
            UPDATE stories s SET shopify_order_id = v.order_id, shopify_customer_id = COALESCE(v.customer_id, s.shopify_customer_id),
                   paid_at = COALESCE(s.paid_at, @now), released = TRUE, updated_at = @now,
                   status = CASE WHEN s.status = 'Preview' THEN 'Generating' ELSE s.status END
            FROM unnest(@stories, @orders, @customers, @shops) AS v(story_id, order_id, customer_id, shop_domain)
            JOIN shops sh ON sh.domain = v.shop_domain
            WHERE s.id = v.story_id AND s.shop_id = sh.id AND s.status <> 'Archived'
            RETURNING s.id, s.status
            """, conn))
        {
            cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
            cmd.Parameters.AddWithValue("stories", paid.Select(p => p.StoryId).ToArray());
            cmd.Parameters.AddWithValue("orders", paid.Select(p => p.OrderId).ToArray());
            cmd.Parameters.AddWithValue("customers", paid.Select(p => (object?)p.CustomerId ?? DBNull.Value).ToArray()).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text;
            cmd.Parameters.AddWithValue("shops", paid.Select(p => p.ShopDomain).ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) released.Add((reader.GetGuid(0), reader.GetString(1)));
        }
        foreach (var p in paid.Where(p => released.All(r => r.Id != p.StoryId)))
            // Not ours (any more): an old cart after a customers/redact, or a property edited by hand. Nothing to deliver.
            logger.LogInformation("orders/paid {OrderId} names story {StoryId}, which {Shop} does not have", p.OrderId, p.StoryId, p.ShopDomain);
        foreach (var (id, status) in released.DistinctBy(r => r.Id))
        {
            if (status == nameof(StoryStatus.Generating)) await pipeline.AdvanceAsync(id, ct);
            else if (status is nameof(StoryStatus.Complete) or nameof(StoryStatus.Published)) await jobs.EnqueueOnceAsync(id, Jobs.StoryJobKind.Deliver, ct);
        }
        return released.Count;
    }
}
