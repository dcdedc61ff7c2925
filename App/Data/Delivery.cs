namespace StorybookShop.Data;

/// <summary>A paid book handed to its buyer: a secret, expiring download page per order, and the Shopify fulfillment
/// that emailed it.</summary>
public sealed class Delivery
{
    public Guid Id { get; set; }
    public Guid ShopId { get; set; }
    public Guid StoryId { get; set; }
    public required string OrderId { get; set; }

    /// <summary>The paid order line (Shopify's line item id); one delivery per line and story.</summary>
    public required string LineItemId { get; set; }

    /// <summary>The buyer, when Shopify shares it (protected customer data); erased by customers/redact.</summary>
    public string? CustomerId { get; set; }

    /// <summary>The download page's secret (URL-safe, 32 random bytes).</summary>
    public required string Token { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? FulfillmentId { get; set; }

    /// <summary>Why Shopify did not take the fulfillment (refused, or still failing after the job's retries); cleared
    /// when a retry goes through.</summary>
    public string? FailureReason { get; set; }
    public DateTimeOffset? FailedAt { get; set; }
}
