using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>The app wired to a fresh fake Shopify and its own database: what every Shopify fixture starts
/// from.</summary>
public sealed class ShopifyHarness : IAsyncDisposable
{
    public FakeShopify Shopify { get; private init; } = null!;
    public AppFactory App { get; private init; } = null!;

    public static async Task<ShopifyHarness> StartAsync(string purpose, Dictionary<string, string?>? settings = null)
    {
        var shopify = await FakeShopify.StartAsync(ShopifyKit.ClientId, ShopifyKit.Secret);
        var all = new Dictionary<string, string?>
        {
            ["Pipeline:Roles"] = "web",
            ["Shopify:ShopUrlTemplate"] = shopify.ShopUrlTemplate,
        };
        foreach (var (k, v) in settings ?? [])
            all[k] = v;
        return new ShopifyHarness
        {
            Shopify = shopify,
            App = new AppFactory(await TestServices.CreateDatabaseAsync(purpose), all),
        };
    }

    /// <summary>A shop that installed the app: tokens issued by the fake Shopify, stored encrypted as the app stores
    /// them.</summary>
    /// <param name="grantedScopes">What the merchant approved (default: what shopify.app.toml asks for).</param>
    /// <param name="recordScopes">False: the app does not know the grant (an older install), so only Shopify can
    /// refuse.</param>
    public async Task<(string Shop, string Access)> InstalledShopAsync(
        TimeSpan? accessLeft = null,
        bool refreshValid = true,
        string? grantedScopes = null,
        bool recordScopes = true
    )
    {
        var left = accessLeft ?? TimeSpan.FromHours(1);
        var shop = ShopifyKit.RandomShop();
        if (grantedScopes is not null)
            Shopify.GrantedScopes[shop] = grantedScopes;
        var (access, refresh) = Shopify.IssueTokens(shop, left);
        var protector = App.Services.GetRequiredService<TokenProtector>();
        await using var db = App.Db();
        db.Shops.Add(
            new Shop
            {
                Id = Guid.NewGuid(),
                Domain = shop,
                CreatedAt = DateTimeOffset.UtcNow,
                InstalledAt = DateTimeOffset.UtcNow,
                AccessToken = protector.Protect(access),
                AccessTokenExpiresAt = DateTimeOffset.UtcNow + left,
                RefreshToken = protector.Protect(refreshValid ? refresh : "shprt_used_up"),
                RefreshTokenExpiresAt = DateTimeOffset.UtcNow.AddDays(80),
                Scopes = recordScopes ? Shopify.GrantedScopes.GetValueOrDefault(shop, ShopifyKit.TomlScopes) : null,
            }
        );
        await db.SaveChangesAsync();
        return (shop, access);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Shopify.DisposeAsync();
    }
}
