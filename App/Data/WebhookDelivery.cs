namespace StorybookShop.Data;

/// <summary>One webhook delivery as Shopify sent it; the unique event id makes repeats harmless.</summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }
    public required string EventId { get; set; }
    public string? WebhookId { get; set; }
    public required string Topic { get; set; }
    public required string ShopDomain { get; set; }
    public string? ApiVersion { get; set; }
    public DateTimeOffset? TriggeredAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public required string Payload { get; set; }
    public WebhookStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
    public string? Error { get; set; }
}
