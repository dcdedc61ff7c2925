namespace StorybookShop.Shopify.Webhooks;

/// <summary>A handler that does a whole claimed batch of its topic at once (set-based), instead of one delivery at a
/// time.</summary>
public interface IWebhookBatchHandler : IWebhookHandler
{
    Task HandleBatchAsync(IReadOnlyList<WebhookContext> batch, CancellationToken ct);
}
