using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;

namespace StorybookShop.Billing;

/// <summary>
/// Whether a shop may start a book now: an active subscription (or its trial) to a known plan, previews within the
/// plan's allowance for the period, and room under the cap for one more charged book. The subscription row is read
/// from Shopify again when it is older than <c>Billing:RecheckAfter</c>. Paid books are never stopped here: a buyer
/// who paid gets the book whatever the merchant's plan.
/// </summary>
public sealed class BillingGate(SubscriptionSync sync, IOptions<BillingOptions> options, TimeProvider clock)
{
    public enum Reason
    {
        NoPlan,
        Pending,
        Frozen,
        PreviewAllowance,
        CapReached,
    }

    /// <summary>Why a shop is not taking new books, said to the merchant (the shopper is told only that it is
    /// not).</summary>
    public sealed record Closed(Reason Reason, string Explanation);

    public async Task<Closed?> CheckAsync(AppDbContext db, Shop shop, CancellationToken ct)
    {
        if (!options.Value.Enforce || shop.Domain == DevShop.Domain)
            return null;
        var sub = await db.Subscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.ShopId == shop.Id, ct);
        if (
            shop.AccessToken is not null
            && (sub is null || clock.GetUtcNow() - sub.CheckedAt > options.Value.RecheckAfter)
        )
            sub = await TrySyncAsync(shop, ct) ?? sub;
        var plan = options.Value.Find(sub?.PlanHandle);
        if (sub is null || plan is null)
            return new(Reason.NoPlan, "No plan is active: choose a plan to take orders for books.");
        switch (sub.Status)
        {
            case "ACTIVE":
                break;
            case "PENDING":
                return new(Reason.Pending, $"The {plan.Name} plan waits for your approval in Shopify.");
            case "FROZEN":
                return new(Reason.Frozen, "Shopify froze the app's charges (the store's bill is unpaid).");
            default:
                return new(Reason.NoPlan, $"The {plan.Name} plan is {sub.Status.ToLowerInvariant()}: choose a plan.");
        }
        var usage = await PlanUsage.ForAsync(db, sub, plan, clock.GetUtcNow(), ct);
        if (usage.Previews >= plan.PreviewAllowance)
            return new(
                Reason.PreviewAllowance,
                $"This period's {plan.PreviewAllowance} previews are used; they start again on {usage.PeriodEnd:d MMM}."
            );
        if (usage.Books >= plan.IncludedBooks && usage.Remaining < plan.PricePerBook)
            return new(
                Reason.CapReached,
                $"The usage cap of {sub.CappedAmount:0.00} {sub.Currency} is reached: raise it to take more books."
            );
        return null;
    }

    private async Task<Subscription?> TrySyncAsync(Shop shop, CancellationToken ct)
    {
        try
        {
            return await sync.SyncAsync(shop.Id, shop.Domain, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Shopify unreachable: the row as last read decides.
            return null;
        }
    }
}
