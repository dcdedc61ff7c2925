using Hangfire;
using StorybookShop.Jobs;

namespace StorybookShop.Billing;

public static class BillingExtensions
{
    /// <summary>What merchants pay for the app (plans, usage charges, the gate on new books); the API is mapped by
    /// <see cref="BillingApi.MapBilling"/>.</summary>
    public static WebApplicationBuilder AddBilling(this WebApplicationBuilder builder)
    {
        builder
            .Services.AddOptions<BillingOptions>()
            .Bind(builder.Configuration.GetSection(BillingOptions.Section))
            .Validate(
                o =>
                    o.Plans.All(p =>
                        p.Handle.Length > 0
                        && p.Name.Length > 0
                        && p.MonthlyPrice >= 0
                        && p.IncludedBooks >= 0
                        && p.PricePerBook > 0
                        && p.CappedAmount >= p.PricePerBook
                        && p.TrialDays >= 0
                        && p.PreviewAllowance > 0
                        && p.Currency.Length == 3
                    )
                    && o.Plans.Select(p => p.Handle).Distinct().Count() == o.Plans.Count
                    && o.Plans.Select(p => p.Name).Distinct().Count() == o.Plans.Count
                    && (!o.Enforce || o.Plans.Count > 0),
                "Billing:Plans: each plan needs a unique Handle and Name, a 3-letter Currency, a PricePerBook above "
                    + "0, a "
                    + "CappedAmount of at least one book, a PreviewAllowance above 0 and no negative numbers; "
                    + "Billing:Enforce needs at least one plan."
            )
            .ValidateOnStart();
        builder.Services.AddTransient<ShopifyBilling>();
        builder.Services.AddTransient<SubscriptionSync>();
        builder.Services.AddTransient<BillingGate>();
        builder.Services.AddTransient<PlanSummary>();
        builder.Services.AddSingleton<BookCharges>();
        builder.Services.AddSingleton<Shopify.Webhooks.IWebhookHandler, SubscriptionWebhookHandler>();
        builder.Services.AddRecurringJob(ChargeBooksJob.RecurringId, (_, recurring) =>
            recurring.AddOrUpdate<ChargeBooksJob>(
                ChargeBooksJob.RecurringId,
                j => j.SweepAsync(CancellationToken.None),
                "*/10 * * * *"
            )
        );
        return builder;
    }
}
