using System.ComponentModel;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Billing;

/// <summary>
/// Sends a shop's pending usage charges to Shopify, one <c>appUsageRecordCreate</c> per book with the book's own
/// idempotency key: a retried or doubled run charges nothing twice (Shopify answers a repeated key with the first
/// record). A charge over the cap waits for the merchant to raise it; other refusals are kept with Shopify's words.
/// </summary>
public sealed partial class ChargeBooksJob(
    IDbContextFactory<AppDbContext> contexts,
    ShopifyBilling billing,
    TimeProvider clock,
    ILogger<ChargeBooksJob> logger
)
{
    public const string RecurringId = "charge-books";

    public static void Enqueue(IBackgroundJobClientV2 jobs, Guid shopId) =>
        jobs.Enqueue<ChargeBooksJob>(j => j.RunAsync(shopId, CancellationToken.None));

    [DisplayName("Charge books sold")]
    [AutomaticRetry(Attempts = 5)]
    public async Task<int> RunAsync(Guid shopId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var shop = await db.Shops.AsNoTracking().SingleOrDefaultAsync(s => s.Id == shopId, ct);
        var sub = await db.Subscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.ShopId == shopId, ct);
        var pending = await db
            .BookCharges.Where(c => c.ShopId == shopId && c.Status == BookCharge.States.Pending)
            .OrderBy(c => c.CreatedAt)
            .ThenBy(c => c.Sequence)
            .ToListAsync(ct);
        if (shop is null || pending.Count == 0)
            return 0;
        var sent = 0;
        foreach (var charge in pending)
        {
            if (
                sub?.UsageLineItemId is not { } line
                || sub.ShopifyId != charge.SubscriptionId
                || shop.AccessToken is null
            )
            {
                charge.Status = BookCharge.States.Failed;
                charge.Error = "The subscription this book counted against is no longer the shop's.";
                continue;
            }
            var outcome = await SendAsync(shop.Domain, line, charge, ct);
            if (outcome == BookCharge.States.WaitingForCap)
            {
                // Every later charge would pass the cap too: they wait with it.
                foreach (var rest in pending.Where(c => c.Status == BookCharge.States.Pending))
                    rest.Status = BookCharge.States.WaitingForCap;
                break;
            }
            if (outcome == BookCharge.States.Charged)
                sent++;
            await db.SaveChangesAsync(ct); // each charge kept as soon as Shopify has it
        }
        await db.SaveChangesAsync(ct);
        return sent;
    }

    /// <summary>The recurring safety net: charges left pending (a node stopped between the release and its job)
    /// are sent.</summary>
    [DisplayName("Charge books left pending")]
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow() - TimeSpan.FromMinutes(5);
        List<Guid> shops;
        await using (var db = await contexts.CreateDbContextAsync(ct))
            shops = await db
                .BookCharges.Where(c => c.Status == BookCharge.States.Pending && c.CreatedAt < before)
                .Select(c => c.ShopId)
                .Distinct()
                .ToListAsync(ct);
        var sent = 0;
        foreach (var shop in shops)
            sent += await RunAsync(shop, ct);
        return sent;
    }

    private async Task<string> SendAsync(string domain, string line, BookCharge charge, CancellationToken ct)
    {
        try
        {
            charge.UsageRecordId = await billing.ChargeAsync(
                domain,
                line,
                charge.Amount,
                charge.Currency,
                $"Storybook sold (order {charge.OrderId}), book {charge.Sequence} of this period",
                charge.IdempotencyKey,
                ct
            );
            charge.Status = BookCharge.States.Charged;
            charge.ChargedAt = clock.GetUtcNow();
            charge.Error = null;
        }
        catch (ShopifyUserErrorsException e)
            when (e.Errors.Any(x => x.Message.Contains(ShopifyBilling.CapExceeded, StringComparison.OrdinalIgnoreCase)))
        {
            charge.Status = BookCharge.States.WaitingForCap;
            charge.Error = e.Errors[0].Message;
            Log.CapReached(logger, domain, charge.StoryId);
        }
        catch (ShopifyUserErrorsException e)
        {
            charge.Status = BookCharge.States.Failed;
            charge.Error = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
            Log.Refused(logger, domain, charge.StoryId, e.Message);
        }
        return charge.Status;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{Shop}: the usage cap is reached; book {StoryId} waits")]
        public static partial void CapReached(ILogger logger, string shop, Guid storyId);

        [LoggerMessage(
            Level = LogLevel.Warning,
            Message = "{Shop}: Shopify refused the charge of book {StoryId}: {Why}"
        )]
        public static partial void Refused(ILogger logger, string shop, Guid storyId, string why);
    }
}
