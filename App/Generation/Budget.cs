using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;

namespace StorybookShop.Generation;

/// <summary>What a shop has spent on providers this calendar month (UTC), from the ledger, against its cap.</summary>
public sealed class Budget(IOptions<GenerationOptions> options, TimeProvider clock)
{
    public sealed record Status(decimal SpentUsd, decimal? LimitUsd)
    {
        public bool Exhausted => LimitUsd is { } limit && SpentUsd >= limit;
    }

    public async Task<Status> ForShopAsync(AppDbContext db, Shop shop, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var spent = await db
            .Generations.Where(g =>
                g.CreatedAt >= monthStart && db.Stories.Any(s => s.Id == g.StoryId && s.ShopId == shop.Id)
            )
            .SumAsync(g => (decimal?)g.Cost, ct)
            ?? 0m;
        return new Status(spent, shop.MonthlyBudgetUsd ?? options.Value.DefaultMonthlyBudgetUsd);
    }
}
