using System.Globalization;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;

namespace StorybookShop.Shopify;

/// <summary>
/// The shop's time zone and currency, read once from Shopify (<c>shop.ianaTimezone</c>, <c>shop.currencyCode</c>, no
/// scope needed) and kept on the shop: the admin shows dates as the merchant lives them (UTC until known), the
/// storefront's preview its price in the shop's currency.
/// </summary>
public sealed partial class ShopLocale(ShopifyGraphQL graphql, ILogger<ShopLocale> logger)
{
    // 1 point: the shop object; its scalar and enum 0.
    public const string Query = "query shopLocale { shop { ianaTimezone currencyCode } }";

    /// <summary>Reads them on the shop's first admin visit; whatever goes wrong, the page shows without them (UTC,
    /// no currency) and the next visit tries again.</summary>
    public async Task EnsureAsync(AppDbContext db, Shop shop, CancellationToken ct)
    {
        if (shop.CurrencyCode is not null || shop.AccessToken is null || shop.Domain == DevShop.Domain)
            return;
        try
        {
            var data = (await graphql.QueryAsync(shop.Domain, Query, ct: ct)).GetProperty("shop");
            var currency = data.GetProperty("currencyCode").GetString();
            var zone =
                data.GetProperty("ianaTimezone").GetString() is { } named && Find(named) is not null ? named : null;
            shop.IanaTimezone = zone;
            shop.CurrencyCode = currency;
            await db
                .Shops.Where(s => s.Id == shop.Id)
                .ExecuteUpdateAsync(
                    u => u.SetProperty(s => s.IanaTimezone, zone).SetProperty(s => s.CurrencyCode, currency),
                    ct
                );
        }
        catch (Exception e) when (e is not OperationCanceledException)
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
