using System.Text.Json;

namespace StorybookShop.Shopify.Webhooks;

public sealed record WebhookContext(Guid DeliveryId, string Topic, string ShopDomain, JsonElement Payload);
