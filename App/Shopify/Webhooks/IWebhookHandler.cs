namespace StorybookShop.Shopify.Webhooks;

/// <summary>Handles one topic. Handlers are idempotent: a delivery may be processed again after a crash.</summary>
public interface IWebhookHandler
{
    IReadOnlyCollection<string> Topics { get; }
    Task HandleAsync(WebhookContext context, CancellationToken ct);
}
