using Microsoft.AspNetCore.Http.HttpResults;
using StorybookShop.Billing;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Admin;

/// <summary>
/// The Plan page (<see cref="PlanPage"/>): every load reads the subscription from Shopify again (so a lost webhook
/// is caught by the merchant's next look); coming back from Shopify's approval page (<c>charge_id</c>), it says
/// what became of the subscription the merchant was shown.
/// </summary>
public static partial class PlanPages
{
    public static WebApplication MapPlanPage(this WebApplication app)
    {
        app.MapShopPages().MapGet("/plan", PlanAsync);
        return app;
    }

    private static async Task<RazorComponentResult<PlanPage>> PlanAsync(
        AdminContext admin,
        AppDbContext db,
        SubscriptionSync sync,
        ShopifyBilling billing,
        PlanSummary summary,
        TimeProvider clock,
        ILogger<PlanPage> logger,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "charge_id")] long? chargeId,
        CancellationToken ct
    )
    {
        string? result = null;
        var good = false;
        if (admin.Shop.AccessToken is not null)
        {
            try
            {
                await sync.SyncAsync(admin.Shop.Id, admin.Domain, ct);
                if (chargeId is { } charge)
                    (result, good) = await ResultAsync(billing, admin.Domain, charge, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.SyncFailed(logger, admin.Domain, e.Message);
                result = "Shopify could not be reached to read your plan; what is shown is as last read.";
            }
        }
        var view = await summary.ForAsync(db, admin.Shop, ct);
        return new RazorComponentResult<PlanPage>(
            new
            {
                Context = admin,
                View = view,
                Result = result,
                ResultGood = good,
                Now = clock.GetUtcNow(),
            }
        );
    }

    private static async Task<(string, bool)> ResultAsync(
        ShopifyBilling billing,
        string shop,
        long charge,
        CancellationToken ct
    )
    {
        var id = $"gid://shopify/AppSubscription/{charge}";
        var node = await billing.ByIdAsync(shop, id, ct);
        var status = node?.Status;
        return status switch
        {
            "ACTIVE" => ($"Approved: {node!.Name} is active. Your shop takes orders for books.", true),
            "DECLINED" => (
                "You declined the plan: nothing is charged, and the shop takes no new books until a plan is "
                    + "approved.",
                false
            ),
            "PENDING" => ("The plan still waits for your approval in Shopify.", false),
            null => ("Shopify does not know that plan.", false),
            _ => ($"The plan is {status.ToLowerInvariant()}.", false),
        };
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Plan page of {Shop}: Shopify not read ({Why})")]
        public static partial void SyncFailed(ILogger logger, string shop, string why);
    }
}
