using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Billing;

/// <summary>
/// <c>/api/billing</c>: the plan as the merchant sees it, choosing a plan (answers the confirmation URL, which the
/// admin opens at the top level) and asking for a higher cap (the same).
/// </summary>
public static class BillingApi
{
    public sealed record ChooseRequest(string? Plan);

    public sealed record CapRequest(decimal? CappedAmount);

    public sealed record Confirmation(string ConfirmationUrl);

    public static WebApplication MapBilling(this WebApplication app)
    {
        var group = app.MapShopApi("/api/billing", "Billing");
        group.MapGet(
            "/",
            async Task<Ok<PlanSummary.View>> (
                CurrentShop current,
                AppDbContext db,
                PlanSummary summary,
                CancellationToken ct
            ) => TypedResults.Ok(await summary.ForAsync(db, current.Shop, ct))
        );
        group.MapPost("/subscription", ChooseAsync).ProducesValidationProblem();
        group.MapPost("/cap", RaiseCapAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    /// <summary>Where Shopify sends the merchant after approving or declining: the Plan page inside the admin
    /// (Shopify adds <c>charge_id</c>).</summary>
    public static string ReturnUrl(string shopDomain, ShopifyOptions shopify, BillingOptions billing) =>
        $"{shopify.AdminOrigin.TrimEnd('/')}/store/{shopDomain.Replace(".myshopify.com", "", StringComparison.Ordinal)}"
        + $"/apps/{billing.AppHandle}/plan";

    private static async Task<Results<Ok<Confirmation>, ValidationProblem>> ChooseAsync(
        ChooseRequest request,
        CurrentShop current,
        ShopifyBilling shopifyBilling,
        IOptions<BillingOptions> options,
        IOptions<ShopifyOptions> shopify,
        CancellationToken ct
    )
    {
        if (options.Value.Find(request.Plan) is not { } plan)
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]>
                {
                    ["plan"] = [$"Choose one of: {string.Join(", ", options.Value.Plans.Select(p => p.Handle))}."],
                }
            );
        var test = options.Value.Test ?? await shopifyBilling.IsDevelopmentStoreAsync(current.Domain, ct);
        var created = await shopifyBilling.CreateAsync(
            current.Domain,
            plan,
            test,
            ReturnUrl(current.Domain, shopify.Value, options.Value),
            ct
        );
        return TypedResults.Ok(new Confirmation(created.ConfirmationUrl));
    }

    private static async Task<Results<Ok<Confirmation>, ValidationProblem, ProblemHttpResult>> RaiseCapAsync(
        CapRequest request,
        CurrentShop current,
        AppDbContext db,
        ShopifyBilling shopifyBilling,
        SubscriptionSync sync,
        CancellationToken ct
    )
    {
        var sub = await sync.SyncAsync(current.Id, current.Domain, ct);
        if (sub is not { Status: "ACTIVE", UsageLineItemId: { } line })
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "No active plan to raise the cap of: choose a plan first."
            );
        if (request.CappedAmount is not { } cap || cap <= sub.CappedAmount || cap > 100_000m)
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]>
                {
                    ["cappedAmount"] =
                    [
                        $"Give a cap above the current {sub.CappedAmount:0.00} {sub.Currency} (at most 100000).",
                    ],
                }
            );
        var url = await shopifyBilling.RaiseCapAsync(current.Domain, line, cap, sub.Currency, ct);
        await db
            .Subscriptions.Where(s => s.ShopId == current.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RequestedCap, cap), ct);
        return TypedResults.Ok(new Confirmation(url));
    }
}
