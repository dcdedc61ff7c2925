using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;

namespace StorybookShop.Shopify;

/// <summary>The authenticated shop's row, created on first contact. Every admin query is scoped to its id.</summary>
public static class CurrentShop
{
    public static async Task<Shop> GetAsync(HttpContext http, AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var domain = http.User.FindFirstValue(SessionTokenAuthentication.ShopClaim) ?? throw new InvalidOperationException("No authenticated shop.");
        if (http.Items.TryGetValue(typeof(Shop), out var cached) && cached is Shop s) return s;
        var shop = await db.Shops.AsNoTracking().SingleOrDefaultAsync(x => x.Domain == domain, ct);
        // First contact, a reinstall, or tokens Shopify refused: exchange this request's session token
        // for an expiring offline token (Shopify's embedded install flow).
        if ((shop is null || shop.AccessToken is null || shop.NeedsReauth || shop.UninstalledAt is not null) &&
            http.Items.TryGetValue(typeof(SessionToken), out var t) && t is SessionToken { Raw.Length: > 0 } token)
        {
            await http.RequestServices.GetRequiredService<ShopifyTokens>().ExchangeSessionTokenAsync(domain, token.Raw, ct);
            shop = await db.Shops.AsNoTracking().SingleAsync(x => x.Domain == domain, ct);
        }
        if (shop is null)
        {
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO shops (id, domain, created_at, installed_at, needs_reauth) VALUES ({Guid.NewGuid()}, {domain}, {clock.GetUtcNow()}, {clock.GetUtcNow()}, false) ON CONFLICT (domain) DO NOTHING", ct);
            shop = await db.Shops.AsNoTracking().SingleAsync(x => x.Domain == domain, ct);
        }
        http.Items[typeof(Shop)] = shop;
        return shop;
    }

    /// <summary>Admin responses may be framed by this shop's admin and Shopify's unified admin only.</summary>
    public static void AddFrameAncestors(HttpContext http)
    {
        var domain = http.User.FindFirstValue(SessionTokenAuthentication.ShopClaim);
        var shop = domain is not null && ShopifySignatures.IsShopDomain(domain) ? $"https://{domain} " : "";
        http.Response.Headers.ContentSecurityPolicy = $"frame-ancestors {shop}https://admin.shopify.com;";
    }
}
