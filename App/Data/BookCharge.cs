namespace StorybookShop.Data;

/// <summary>
/// One book sold on a paid order line, counted against the shop's plan: the first books of a period are included
/// (no charge); each one beyond is one usage record at Shopify, created with an idempotency key derived from the book
/// and its order line, so a retried job, a replayed webhook or a second node never charges twice.
/// </summary>
public sealed class BookCharge
{
    public Guid Id { get; set; }
    public Guid ShopId { get; set; }

    /// <summary>The book (kept after the book is erased: the charge is the merchant's record).</summary>
    public Guid StoryId { get; set; }
    public required string OrderId { get; set; }
    public required string LineItemId { get; set; }

    /// <summary>The subscription it counts against, and the period (its start) it falls in.</summary>
    public required string SubscriptionId { get; set; }
    public DateTimeOffset PeriodStart { get; set; }

    /// <summary>The n-th book of the period (1-based).</summary>
    public int Sequence { get; set; }

    /// <summary>The usage charge: 0 for an included book.</summary>
    public decimal Amount { get; set; }
    public required string Currency { get; set; }
    public required string IdempotencyKey { get; set; }

    /// <summary>Included, Pending, Charged, WaitingForCap, Failed.</summary>
    public required string Status { get; set; }
    public string? UsageRecordId { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ChargedAt { get; set; }

    public static class States
    {
        public const string Included = "Included";
        public const string Pending = "Pending";
        public const string Charged = "Charged";
        public const string WaitingForCap = "WaitingForCap";
        public const string Failed = "Failed";
    }
}
