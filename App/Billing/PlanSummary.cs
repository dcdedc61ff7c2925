using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;

namespace StorybookShop.Billing;

/// <summary>What the merchant sees of their plan: the subscription, this period's use, whether the shop takes new
/// books (and why not), and each book sold this period with what the app charged and what its providers
/// cost.</summary>
public sealed class PlanSummary(BillingGate gate, IOptions<BillingOptions> options, TimeProvider clock)
{
    /// <param name="Charged">What the app charged for the book: its usage charge, or for an included book its share
    /// of the monthly price.</param>
    /// <param name="Cost">What the providers cost for the book (the ledger's generations).</param>
    public sealed record BookLine(
        Guid StoryId,
        string Title,
        string Status,
        bool Included,
        decimal Charged,
        decimal Cost,
        DateTimeOffset SoldAt
    )
    {
        public decimal Margin => Charged - Cost;
    }

    public sealed record View(
        bool Enforced,
        Subscription? Subscription,
        BillingOptions.Plan? Plan,
        PlanUsage? Usage,
        BillingGate.Closed? Closed,
        IReadOnlyList<BillingOptions.Plan> Plans,
        IReadOnlyList<BookLine> Books
    );

    public async Task<View> ForAsync(AppDbContext db, Shop shop, CancellationToken ct)
    {
        var closed = await gate.CheckAsync(db, shop, ct);
        var sub = await db.Subscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.ShopId == shop.Id, ct);
        var plan = options.Value.Find(sub?.PlanHandle);
        if (sub is null || plan is null)
            return new View(options.Value.Enforce, sub, plan, null, closed, options.Value.Plans, []);
        var usage = await PlanUsage.ForAsync(db, sub, plan, clock.GetUtcNow(), ct);
        var share = plan.IncludedBooks > 0 ? Math.Round(plan.MonthlyPrice / plan.IncludedBooks, 2) : 0m;
        var books = await db
            .BookCharges.AsNoTracking()
            .Where(c => c.ShopId == shop.Id && c.SubscriptionId == sub.ShopifyId && c.PeriodStart == usage.PeriodStart)
            .OrderByDescending(c => c.Sequence)
            .Take(50)
            .Select(c => new
            {
                c.StoryId,
                c.Status,
                c.Amount,
                c.CreatedAt,
                Title = db.Stories.Where(s => s.Id == c.StoryId).Select(s => s.Title).FirstOrDefault(),
                Cost = db.Generations.Where(g => g.StoryId == c.StoryId).Sum(g => (decimal?)g.Cost) ?? 0m,
            })
            .ToListAsync(ct);
        return new View(
            options.Value.Enforce,
            sub,
            plan,
            usage,
            closed,
            options.Value.Plans,
            [
                .. books.Select(b => new BookLine(
                    b.StoryId,
                    b.Title ?? "(erased)",
                    b.Status,
                    b.Status == BookCharge.States.Included,
                    b.Status == BookCharge.States.Included ? share : b.Amount,
                    b.Cost,
                    b.CreatedAt
                )),
            ]
        );
    }
}
