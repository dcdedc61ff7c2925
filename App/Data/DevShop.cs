using Microsoft.EntityFrameworkCore;

namespace StorybookShop.Data;

/// <summary>The development shop: local use without Shopify (Development, or a node asked to make the sample book);
/// never in Production.</summary>
public static class DevShop
{
    public const string Domain = "dev-shop.myshopify.com";

    /// <summary>The dev shop, inserted on first use (several nodes at once insert it once).</summary>
    public static async Task<Shop> EnsureAsync(AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var shop = await db.Shops.AsNoTracking().SingleOrDefaultAsync(x => x.Domain == Domain, ct);
        if (shop is not null)
            return shop;
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO shops (id, domain, name, created_at, installed_at, needs_reauth)
            VALUES ({Guid.NewGuid()}, {Domain}, {"Development shop"}, {clock.GetUtcNow()}, {clock.GetUtcNow()}, false)
            ON CONFLICT (domain) DO NOTHING
            """,
            ct
        );
        return await db.Shops.AsNoTracking().SingleAsync(x => x.Domain == Domain, ct);
    }
}
