using System.Globalization;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;

namespace StorybookShop.Shopify;

/// <summary>
/// The shop's time zone, read once from Shopify (<c>shop.ianaTimezone</c>, no scope needed) and kept on the shop, so
/// the admin shows dates as the merchant lives them; UTC until it is known (or when Shopify cannot be asked).
/// </summary>
public sealed partial class ShopTimeZone(ShopifyGraphQL graphql, ILogger<ShopTimeZone> logger)
{
    // 1 point: the shop object; its scalar 0.
    public const string Query = "query shopTimeZone { shop { ianaTimezone } }";

    public async Task EnsureAsync(AppDbContext db, Shop shop, CancellationToken ct)
    {
        if (shop.IanaTimezone is not null || shop.AccessToken is null || shop.Domain == DevShop.Domain)
            return;
        try
        {
            var data = await graphql.QueryAsync(shop.Domain, Query, ct: ct);
            var zone = data.GetProperty("shop").GetProperty("ianaTimezone").GetString();
            if (zone is null || Find(zone) is null)
                return;
            shop.IanaTimezone = zone;
            await db
                .Shops.Where(s => s.Id == shop.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.IanaTimezone, zone), ct);
        }
        catch (Exception e) when (e is HttpRequestException or ShopifyGraphQLException or ShopifyAuthException)
        {
            Log.NotRead(logger, shop.Domain, e.Message);
        }
    }

    /// <summary>The zone by its IANA name, or null when this machine does not know it.</summary>
    public static TimeZoneInfo? Find(string? iana)
    {
        if (string.IsNullOrEmpty(iana))
            return null;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(iana);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    /// <summary><paramref name="at"/> in the shop's zone, formatted (invariant).</summary>
    public static string Format(Shop shop, DateTimeOffset at, string format) =>
        (Find(shop.IanaTimezone) is { } zone ? TimeZoneInfo.ConvertTime(at, zone) : at.ToUniversalTime()).ToString(
            format,
            CultureInfo.InvariantCulture
        );

    /// <summary>The start of <paramref name="day"/> in the shop's zone, as an instant.</summary>
    public static DateTimeOffset StartOf(Shop shop, DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        var offset = Find(shop.IanaTimezone)?.GetUtcOffset(local) ?? TimeSpan.Zero;
        return new DateTimeOffset(local, offset).ToUniversalTime(); // PostgreSQL takes instants in UTC
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "The time zone of {Shop} was not read: {Why}")]
        public static partial void NotRead(ILogger logger, string shop, string why);
    }
}
