using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;

namespace StorybookShop.Shopify.Webhooks;

/// <summary>app/scopes_update: remember what the merchant granted.</summary>
public sealed class ScopesUpdateHandler(IDbContextFactory<AppDbContext> contexts) : IWebhookHandler
{
    public IReadOnlyCollection<string> Topics => ["app/scopes_update"];

    public async Task HandleAsync(WebhookContext context, CancellationToken ct)
    {
        if (!context.Payload.TryGetProperty("current", out var current) || current.ValueKind != JsonValueKind.Array)
            return;
        var scopes = string.Join(
            ',',
            current.EnumerateArray().Select(s => s.GetString()).Where(s => !string.IsNullOrEmpty(s))
        );
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db
            .Shops.Where(s => s.Domain == context.ShopDomain)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Scopes, scopes), ct);
    }
}
