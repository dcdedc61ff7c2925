using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;

namespace StorybookShop.Shopify;

/// <summary>How a request's shop is found: from its session token (installing the shop on first contact), or the dev
/// shop.</summary>
public static class ShopAccess
{
    /// <summary>
    /// The shop of a valid session token, installed: on first contact, a reinstall, or tokens Shopify refused,
    /// the session token is exchanged for an expiring offline token (Shopify's embedded install flow).
    /// </summary>
    public static async Task<Shop> EnsureInstalledAsync(
        AppDbContext db,
        ShopifyTokens tokens,
        SessionToken token,
        CancellationToken ct
    )
    {
        var shop = await db.Shops.AsNoTracking().SingleOrDefaultAsync(x => x.Domain == token.Shop, ct);
        // A new release may ask for more scopes: a fresh exchange learns what the merchant has approved since.
        if (
            shop is not null
            && shop.AccessToken is not null
            && !shop.NeedsReauth
            && shop.UninstalledAt is null
            && ShopifyScopes.NotGranted(shop.Scopes).Count == 0
        )
            return shop;
        await tokens.ExchangeSessionTokenAsync(token.Shop, token.Raw, ct);
        return await db.Shops.AsNoTracking().SingleAsync(x => x.Domain == token.Shop, ct);
    }
}
