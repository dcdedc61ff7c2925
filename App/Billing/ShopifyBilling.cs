using System.Globalization;
using System.Text.Json;
using StorybookShop.Shopify;

namespace StorybookShop.Billing;

/// <summary>
/// The Billing API calls, as Admin API 2026-10 defines them: a subscription with a recurring and a usage line
/// (<c>appSubscriptionCreate</c>), the shop's subscriptions read back (<c>currentAppInstallation</c>, or one by id),
/// a usage record per book beyond the included ones (<c>appUsageRecordCreate</c> with an idempotency key), a higher
/// cap (<c>appSubscriptionLineItemUpdate</c>) and whether the shop is a development store. None needs an access scope.
/// </summary>
public sealed class ShopifyBilling(ShopifyGraphQL graphql)
{
    // 10 points each (mutations).
    public const string Create = """
        mutation appSubscriptionCreate($name: String!, $returnUrl: URL!, $test: Boolean, $trialDays: Int,
          $lineItems: [AppSubscriptionLineItemInput!]!) {
          appSubscriptionCreate(name: $name, returnUrl: $returnUrl, test: $test, trialDays: $trialDays,
            lineItems: $lineItems, replacementBehavior: APPLY_IMMEDIATELY) {
            confirmationUrl appSubscription { id status } userErrors { field message }
          }
        }
        """;

    public const string UsageRecord = """
        mutation appUsageRecordCreate($subscriptionLineItemId: ID!, $price: MoneyInput!, $description: String!,
          $idempotencyKey: String) {
          appUsageRecordCreate(subscriptionLineItemId: $subscriptionLineItemId, price: $price,
            description: $description, idempotencyKey: $idempotencyKey) {
            appUsageRecord { id } userErrors { field message }
          }
        }
        """;

    public const string RaiseCap = """
        mutation appSubscriptionLineItemUpdate($id: ID!, $cappedAmount: MoneyInput!) {
          appSubscriptionLineItemUpdate(id: $id, cappedAmount: $cappedAmount) {
            confirmationUrl userErrors { field message }
          }
        }
        """;

    private const string Fields = """
        id name status test trialDays createdAt currentPeriodEnd
        lineItems { id plan { pricingDetails { __typename
          ... on AppRecurringPricing { price { amount currencyCode } }
          ... on AppUsagePricing { cappedAmount { amount currencyCode } balanceUsed { amount currencyCode } } } } }
        """;

    public const string Active =
        "query appSubscriptions { currentAppInstallation { activeSubscriptions { " + Fields + " } } }";

    public const string ById =
        "query appSubscription($id: ID!) { node(id: $id) { ... on AppSubscription { " + Fields + " } } }";

    public const string ShopPlan = "query shopPlan { shop { plan { partnerDevelopment } } }";

    /// <summary>Shopify's error when a usage charge would pass the period's capped amount (shopify.dev,
    /// appUsageRecordCreate).</summary>
    public const string CapExceeded = "exceeds balance remaining";

    public sealed record Money(decimal Amount, string CurrencyCode);

    public sealed record PricingDetails(string __typename, Money? Price, Money? CappedAmount, Money? BalanceUsed);

    public sealed record Plan(PricingDetails PricingDetails);

    public sealed record LineItem(string Id, Plan Plan);

    /// <summary>An AppSubscription as the queries read it.</summary>
    public sealed record Node(
        string Id,
        string Name,
        string Status,
        bool Test,
        int TrialDays,
        DateTimeOffset CreatedAt,
        DateTimeOffset? CurrentPeriodEnd,
        IReadOnlyList<LineItem> LineItems
    )
    {
        public LineItem? Usage => LineItems.FirstOrDefault(l => l.Plan.PricingDetails.CappedAmount is not null);
    }

    public sealed record Created(string ConfirmationUrl, string SubscriptionId);

    private sealed record CreatePayload(string ConfirmationUrl, IdOnly AppSubscription);

    private sealed record IdOnly(string Id);

    private sealed record Installation(InstallationNode CurrentAppInstallation);

    private sealed record InstallationNode(IReadOnlyList<Node> ActiveSubscriptions);

    private sealed record NodeData(Node? Node);

    private sealed record UsagePayload(IdOnly? AppUsageRecord);

    private sealed record CapPayload(string ConfirmationUrl);

    public async Task<Created> CreateAsync(
        string shop,
        BillingOptions.Plan plan,
        bool test,
        string returnUrl,
        CancellationToken ct
    )
    {
        var payload = await graphql.MutateAsync<CreatePayload>(
            shop,
            Create,
            "appSubscriptionCreate",
            new
            {
                name = plan.Name,
                returnUrl,
                test,
                trialDays = plan.TrialDays,
                lineItems = new object[]
                {
                    new
                    {
                        plan = new
                        {
                            appRecurringPricingDetails = new
                            {
                                price = MoneyInput(plan.MonthlyPrice, plan.Currency),
                                interval = "EVERY_30_DAYS",
                            },
                        },
                    },
                    new
                    {
                        plan = new
                        {
                            appUsagePricingDetails = new
                            {
                                cappedAmount = MoneyInput(plan.CappedAmount, plan.Currency),
                                terms = plan.Terms,
                            },
                        },
                    },
                },
            },
            ct
        );
        return new Created(payload.ConfirmationUrl, payload.AppSubscription.Id);
    }

    /// <summary>The shop's active subscription (Shopify keeps at most one per app), or null.</summary>
    public async Task<Node?> ActiveAsync(string shop, CancellationToken ct) =>
        (await graphql.QueryAsync<Installation>(shop, Active, ct: ct))
            .CurrentAppInstallation.ActiveSubscriptions.OrderByDescending(s => s.CreatedAt)
            .FirstOrDefault();

    public async Task<Node?> ByIdAsync(string shop, string id, CancellationToken ct) =>
        (await graphql.QueryAsync<NodeData>(shop, ById, new { id }, ct)).Node;

    /// <summary>One usage charge; a repeat with the same key is the same charge at Shopify.</summary>
    public async Task<string> ChargeAsync(
        string shop,
        string usageLineItemId,
        decimal amount,
        string currency,
        string description,
        string idempotencyKey,
        CancellationToken ct
    )
    {
        var payload = await graphql.MutateAsync<UsagePayload>(
            shop,
            UsageRecord,
            "appUsageRecordCreate",
            new
            {
                subscriptionLineItemId = usageLineItemId,
                price = MoneyInput(amount, currency),
                description,
                idempotencyKey,
            },
            ct
        );
        return payload.AppUsageRecord?.Id ?? throw new JsonException("appUsageRecordCreate returned no record.");
    }

    /// <summary>Asks for a higher cap; the merchant approves it at the returned URL.</summary>
    public async Task<string> RaiseCapAsync(
        string shop,
        string usageLineItemId,
        decimal cap,
        string currency,
        CancellationToken ct
    ) =>
        (
            await graphql.MutateAsync<CapPayload>(
                shop,
                RaiseCap,
                "appSubscriptionLineItemUpdate",
                new { id = usageLineItemId, cappedAmount = MoneyInput(cap, currency) },
                ct
            )
        ).ConfirmationUrl;

    public async Task<bool> IsDevelopmentStoreAsync(string shop, CancellationToken ct)
    {
        var data = await graphql.QueryAsync(shop, ShopPlan, ct: ct);
        return data.GetProperty("shop").GetProperty("plan").GetProperty("partnerDevelopment").GetBoolean();
    }

    private static object MoneyInput(decimal amount, string currency) =>
        new { amount = amount.ToString("0.00", CultureInfo.InvariantCulture), currencyCode = currency };
}
