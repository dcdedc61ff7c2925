using Hangfire.Storage;

namespace StorybookShop.Jobs;

/// <summary>
/// Per-shop job counters in Hangfire's own counter tables, keyed like <c>StatisticsHistoryAttribute</c>'s
/// (<c>stats:succeeded:2026-11-29-18</c>) with the shop in the key, written in the state change's transaction.
/// </summary>
public static class ShopStatistics
{
    public static string Key(string shopId, string state) => $"stats:shop:{shopId}:{state.ToLowerInvariant()}";

    public static string DayKey(string shopId, string state, DateTime day) =>
        $"{Key(shopId, state)}:{day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}";

    public static string HourKey(string shopId, string state, DateTime hour) =>
        $"{Key(shopId, state)}:{hour.ToString("yyyy-MM-dd-HH", System.Globalization.CultureInfo.InvariantCulture)}";

    public static void Count(IWriteOnlyTransaction transaction, string shopId, string state, DateTime utcNow)
    {
        transaction.IncrementCounter(Key(shopId, state));
        transaction.IncrementCounter(DayKey(shopId, state, utcNow), TimeSpan.FromDays(31));
        transaction.IncrementCounter(HourKey(shopId, state, utcNow), TimeSpan.FromDays(1));
    }
}
