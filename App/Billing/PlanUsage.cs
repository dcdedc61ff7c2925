using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;

namespace StorybookShop.Billing;

/// <summary>
/// A shop's use of its plan in the current 30-day period: books sold (included and charged), usage committed
/// (charged, pending or waiting for a higher cap), previews started, and what the cap leaves.
/// </summary>
public sealed record PlanUsage(
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    int Books,
    int Previews,
    decimal Committed,
    decimal Remaining,
    int WaitingForCap
)
{
    public static readonly TimeSpan Period = TimeSpan.FromDays(30);

    public static async Task<PlanUsage> ForAsync(
        AppDbContext db,
        Subscription sub,
        BillingOptions.Plan plan,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var (start, end) = PeriodOf(sub, now);
        var charges = await db
            .BookCharges.AsNoTracking()
            .Where(c => c.ShopId == sub.ShopId && c.SubscriptionId == sub.ShopifyId && c.PeriodStart == start)
            .GroupBy(c => c.Status)
            .Select(g => new
            {
                g.Key,
                Count = g.Count(),
                Amount = g.Sum(c => c.Amount),
            })
            .ToListAsync(ct);
        var previews = await db.Stories.CountAsync(s => s.ShopId == sub.ShopId && s.CreatedAt >= start, ct);
        var committed = charges.Where(c => c.Key != BookCharge.States.Failed).Sum(c => c.Amount);
        var used = Math.Max(committed, sub.BalanceUsed);
        return new PlanUsage(
            start,
            end,
            charges.Sum(c => c.Count),
            previews,
            committed,
            Math.Max(0m, sub.CappedAmount - used),
            charges.Where(c => c.Key == BookCharge.States.WaitingForCap).Sum(c => c.Count)
        );
    }

    /// <summary>
    /// The 30-day period <paramref name="now"/> falls in: Shopify's current period when known (walked forward when
    /// the row is older than its end), else periods counted from the subscription's creation.
    /// </summary>
    public static (DateTimeOffset Start, DateTimeOffset End) PeriodOf(Subscription sub, DateTimeOffset now)
    {
        var end = sub.CurrentPeriodEnd ?? sub.CreatedAt + Period;
        while (end <= now)
            end += Period;
        while (end - Period > now)
            end -= Period;
        return (end - Period, end);
    }
}
