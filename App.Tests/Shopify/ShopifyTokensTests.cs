using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Shopify;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Shopify;

/// <summary>Expiring offline tokens and their rotating refresh tokens, against the fake Shopify.</summary>
public sealed class ShopifyTokensTests
{
    private ShopifyHarness _h = null!;
    private FakeShopify _shopify = null!;
    private AppFactory _app = null!;
    private ShopifyTokens _tokens = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync("tokens");
        (_shopify, _app) = (_h.Shopify, _h.App);
        _tokens = _app.Services.GetRequiredService<ShopifyTokens>();
    }

    [OneTimeTearDown]
    public async Task Stop() => await _h.DisposeAsync();

    private Task<(string Shop, string Access)> InstalledAsync(TimeSpan accessLeft, bool refreshValid = true) =>
        _h.InstalledShopAsync(accessLeft, refreshValid);

    [Test]
    public async Task A_fresh_token_is_used_as_it_is()
    {
        var (shop, access) = await InstalledAsync(TimeSpan.FromMinutes(50));
        var before = _shopify.RefreshCalls;
        Assert.That(await _tokens.GetAccessTokenAsync(shop, CancellationToken.None), Is.EqualTo(access));
        Assert.That(_shopify.RefreshCalls, Is.EqualTo(before));
    }

    [Test]
    public async Task A_token_about_to_expire_is_refreshed_and_the_new_pair_saved()
    {
        var (shop, access) = await InstalledAsync(TimeSpan.FromMinutes(2));
        var fresh = await _tokens.GetAccessTokenAsync(shop, CancellationToken.None);
        Assert.That(fresh, Is.Not.EqualTo(access).And.StartsWith("shpat_"));
        Assert.That(
            await _tokens.GetAccessTokenAsync(shop, CancellationToken.None),
            Is.EqualTo(fresh),
            "the saved token is used next time"
        );
        await using var db = _app.Db();
        var row = await db.Shops.SingleAsync(s => s.Domain == shop);
        Assert.That(row.AccessTokenExpiresAt, Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(50)));
        Assert.That(row.NeedsReauth, Is.False);
    }

    [Test]
    public async Task Ten_concurrent_refreshes_use_the_rotating_refresh_token_once_and_agree()
    {
        var (shop, _) = await InstalledAsync(TimeSpan.FromMinutes(1));
        _shopify.TokenLatency = TimeSpan.FromMilliseconds(300);
        var before = _shopify.RefreshCalls;
        try
        {
            // Separate scopes stand for separate requests (or nodes): the row lock is what serializes them.
            var results = await Task.WhenAll(
                Enumerable
                    .Range(0, 10)
                    .Select(_ => Task.Run(() => _tokens.GetAccessTokenAsync(shop, CancellationToken.None)))
            );
            Assert.That(results.Distinct().Count(), Is.EqualTo(1), "everyone got the same new token");
            Assert.That(
                _shopify.RefreshCalls - before,
                Is.EqualTo(1),
                "one refresh: a second use of the refresh token would be refused"
            );
            await using var db = _app.Db();
            Assert.That((await db.Shops.SingleAsync(s => s.Domain == shop)).NeedsReauth, Is.False);
        }
        finally
        {
            _shopify.TokenLatency = TimeSpan.Zero;
        }
    }

    [Test]
    public async Task A_refused_refresh_token_marks_the_shop_for_reauthentication()
    {
        var (shop, _) = await InstalledAsync(TimeSpan.FromMinutes(1), refreshValid: false);
        var error = await Assert.ThrowsAsync<ShopifyAuthException>(() =>
            _tokens.GetAccessTokenAsync(shop, CancellationToken.None)
        );
        Assert.That(error!.Message, Does.Contain("invalid_grant"));
        await using var db = _app.Db();
        Assert.That((await db.Shops.SingleAsync(s => s.Domain == shop)).NeedsReauth, Is.True);
    }
}
