namespace StorybookShop.Data;

/// <summary>
/// A shop's app subscription as Shopify last described it (one row per shop, replaced when the merchant chooses
/// again; gone when the app is uninstalled). Kept current by the app_subscriptions webhooks, every admin load and a
/// re-read when it grows old.
/// </summary>
public sealed class Subscription
{
    public Guid ShopId { get; set; }

    /// <summary>Our plan's handle (Billing:Plans).</summary>
    public required string PlanHandle { get; set; }

    /// <summary>Shopify's AppSubscription gid.</summary>
    public required string ShopifyId { get; set; }

    /// <summary>Shopify's status: PENDING, ACTIVE, DECLINED, EXPIRED, FROZEN, CANCELLED.</summary>
    public required string Status { get; set; }
    public bool Test { get; set; }

    /// <summary>The usage line's gid (AppSubscriptionLineItem), what usage records are charged to.</summary>
    public string? UsageLineItemId { get; set; }
    public decimal CappedAmount { get; set; }
    public decimal BalanceUsed { get; set; }
    public string Currency { get; set; } = "USD";
    public int TrialDays { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CurrentPeriodEnd { get; set; }

    /// <summary>A higher cap asked for and not yet approved (appSubscriptionLineItemUpdate).</summary>
    public decimal? RequestedCap { get; set; }

    /// <summary>When Shopify was last asked.</summary>
    public DateTimeOffset CheckedAt { get; set; }
}
