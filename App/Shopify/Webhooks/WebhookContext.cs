using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using StorybookShop.Data;
using StorybookShop.Generation;

namespace StorybookShop.Shopify.Webhooks;

public sealed record WebhookContext(Guid DeliveryId, string Topic, string ShopDomain, JsonElement Payload);
