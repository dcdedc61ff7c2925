namespace StorybookShop.Shopify.Webhooks;

public sealed record WebhookRow(
    Guid Id,
    string EventId,
    string? WebhookId,
    string Topic,
    string Shop,
    string? ApiVersion,
    DateTimeOffset? TriggeredAt,
    DateTimeOffset ReceivedAt,
    string Payload
);
