using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;

namespace StorybookShop.Billing;

/// <summary>
/// Reads the shop's subscription from Shopify and keeps its row current: the one Shopify reports active, else the
/// last known one as it stands now (declined, expired, frozen, cancelled). A cap raised since the last read puts
/// the books that waited for it back in the charge queue. Run on every admin load, by the app_subscriptions webhooks
/// and when the row is older than <c>Billing:RecheckAfter</c>, so one lost webhook never leaves a shop blocked or
/// unpaid.
/// </summary>
public sealed partial class SubscriptionSync(
    IDbContextFactory<AppDbContext> contexts,
    ShopifyBilling billing,
    IBackgroundJobClientV2 jobs,
    IOptions<BillingOptions> options,
    TimeProvider clock,
    ILogger<SubscriptionSync> logger
)
{
    public async Task<Subscription?> SyncAsync(Guid shopId, string domain, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var known = await db.Subscriptions.SingleOrDefaultAsync(s => s.ShopId == shopId, ct);
        var node = await billing.ActiveAsync(domain, ct);
        if (node is null && known is not null)
            node = await billing.ByIdAsync(domain, known.ShopifyId, ct);
        if (node is null)
            return known;
        var plan = options.Value.Plans.FirstOrDefault(p => p.Name == node.Name);
        var oldCap = known?.CappedAmount;
        var row = known
            ?? new Subscription
            {
                ShopId = shopId,
                PlanHandle = plan?.Handle ?? "",
                ShopifyId = node.Id,
                Status = node.Status,
            };
        if (known is null)
            db.Subscriptions.Add(row);
        Apply(row, node, plan);
        row.CheckedAt = clock.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (known is null)
        {
            // Another node read the same subscription first and inserted the row: theirs stands.
            return await ReadAsync(shopId, ct);
        }
        if (oldCap is { } before && row.CappedAmount > before)
            await RequeueWaitingAsync(db, shopId, ct);
        Log.Synced(logger, domain, row.Status, row.PlanHandle);
        return row;
    }

    /// <summary>What a webhook says, when Shopify cannot be asked (no token): the status of the subscription we
    /// know.</summary>
    public async Task ApplyStatusAsync(Guid shopId, string subscriptionId, string status, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db
            .Subscriptions.Where(s => s.ShopId == shopId && s.ShopifyId == subscriptionId)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, status.ToUpperInvariant()), ct);
    }

    public async Task<Subscription?> ReadAsync(Guid shopId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Subscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.ShopId == shopId, ct);
    }

    private static void Apply(Subscription row, ShopifyBilling.Node node, BillingOptions.Plan? plan)
    {
        if (row.ShopifyId != node.Id)
        {
            // A new subscription replaced the old one (another plan): its period and cap start again.
            row.ShopifyId = node.Id;
            row.RequestedCap = null;
        }
        if (plan is not null)
            row.PlanHandle = plan.Handle;
        row.Status = node.Status;
        row.Test = node.Test;
        row.TrialDays = node.TrialDays;
        row.CreatedAt = node.CreatedAt;
        row.CurrentPeriodEnd = node.CurrentPeriodEnd;
        var usage = node.Usage;
        row.UsageLineItemId = usage?.Id;
        if (usage?.Plan.PricingDetails is { CappedAmount: { } cap } pricing)
        {
            row.CappedAmount = cap.Amount;
            row.Currency = cap.CurrencyCode;
            row.BalanceUsed = pricing.BalanceUsed?.Amount ?? 0m;
            if (row.RequestedCap is { } asked && cap.Amount >= asked)
                row.RequestedCap = null;
        }
    }

    /// <summary>Books that waited for a higher cap are charged again.</summary>
    private async Task RequeueWaitingAsync(AppDbContext db, Guid shopId, CancellationToken ct)
    {
        var waiting = await db
            .BookCharges.Where(c => c.ShopId == shopId && c.Status == BookCharge.States.WaitingForCap)
            .ExecuteUpdateAsync(
                u => u.SetProperty(c => c.Status, BookCharge.States.Pending).SetProperty(c => c.Error, (string?)null),
                ct
            );
        if (waiting > 0)
            ChargeBooksJob.Enqueue(jobs, shopId);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Subscription of {Shop}: {Status} ({Plan})")]
        public static partial void Synced(ILogger logger, string shop, string status, string plan);
    }
}
