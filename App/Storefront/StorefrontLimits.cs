using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using StorybookShop.Data;

namespace StorybookShop.Storefront;

/// <summary>
/// Limits on starting books from the storefront, kept in PostgreSQL so every node counts the same windows: per
/// shopper and per shop, each a fixed one-minute window; and a daily cap on books never paid for.
/// </summary>
public sealed class StorefrontLimits(
    NpgsqlDataSource dataSource,
    IOptions<StorefrontOptions> options,
    TimeProvider clock
)
{
    public int UnpaidPreviewsPerDay => options.Value.UnpaidPreviewsPerShopPerDay;

    /// <summary>
    /// Null when allowed; else how long to wait. Every limit of the shopper is counted (a client-chosen id only adds
    /// one), then the shop's.
    /// </summary>
    public async Task<TimeSpan?> TryAcquireAsync(string shop, Shopper shopper, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var window = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        var wait = window.AddMinutes(1) - now;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var over = false;
        foreach (var limit in shopper.Limits)
            over |=
                await CountAsync(conn, $"shopper:{shop}:{limit}", window, ct)
                > options.Value.StoriesPerClientPerMinute
                    * (limit.StartsWith(Shopper.SignedPrefix, StringComparison.Ordinal) ? Shopper.SignedFactor : 1);
        if (over)
            return wait;
        if (await CountAsync(conn, $"shop:{shop}", window, ct) > options.Value.StoriesPerShopPerMinute)
            return wait;
        return null;
    }

    /// <summary>Books the shop started in the last 24 hours that nobody has paid for.</summary>
    public Task<int> UnpaidTodayAsync(AppDbContext db, Guid shopId, CancellationToken ct)
    {
        var since = clock.GetUtcNow().AddDays(-1);
        return db.Stories.CountAsync(s => s.ShopId == shopId && s.PaidAt == null && s.CreatedAt > since, ct);
    }

    /// <summary>Forgets windows older than an hour.</summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("DELETE FROM rate_limits WHERE window_start < @before", conn);
        cmd.Parameters.AddWithValue("before", clock.GetUtcNow().AddHours(-1));
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<int> CountAsync(
        NpgsqlConnection conn,
        string key,
        DateTimeOffset window,
        CancellationToken ct
    )
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO rate_limits (key, window_start, count) VALUES (@key, @window, 1)
            ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1
            RETURNING count
            """,
            conn
        );
        cmd.Parameters.AddWithValue("key", key);
        cmd.Parameters.AddWithValue("window", window);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
