using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Shopify;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Shopify;

/// <summary>Secrets at rest: the key ring that encrypts shops' tokens is itself encrypted, and Production insists on
/// it.</summary>
public sealed class KeyRingTests
{
    private static readonly string Kek = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Test]
    public async Task A_database_dump_holds_no_usable_key_and_only_nodes_with_the_key_encryption_key_read_tokens()
    {
        var connection = await TestServices.CreateDatabaseAsync("keyring");
        string stored;
        await using (var node = new AppFactory(connection, new Dictionary<string,
            string?> { ["Pipeline:Roles"] = "web", ["DataProtection:KeyEncryptionKey"] = Kek }))
        {
            stored = node.Services.GetRequiredService<TokenProtector>().Protect("shpat_dumped")!;
            await using var db = node.Db();
            var ring = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync();
            Assert.That(ring, Is.Not.Empty);
            Assert.That(ring, Has.All.Contain("encryptedKey").And.All.Not.Contain("<masterKey"),
                "no key material in the clear");
        }
        await using (var other = new AppFactory(connection, new Dictionary<string,
            string?> { ["Pipeline:Roles"] = "web", ["DataProtection:KeyEncryptionKey"] = Kek }))
            Assert.That(other.Services.GetRequiredService<TokenProtector>().Unprotect(stored),
                Is.EqualTo("shpat_dumped"), "another node with the KEK");
        var wrong = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using (var thief = new AppFactory(connection, new Dictionary<string,
            string?> { ["Pipeline:Roles"] = "web", ["DataProtection:KeyEncryptionKey"] = wrong }))
            Assert.That(() => thief.Services.GetRequiredService<TokenProtector>().Unprotect(stored),
                Throws.InstanceOf<CryptographicException>(),
                "the dump and any other key read nothing");
    }

    [Test]
    public async Task Production_refuses_to_start_without_a_key_encryption_key_and_says_how_to_make_one()
    {
        await using var app = new AppFactory(await TestServices.CreateDatabaseAsync("prod"), new Dictionary<string,
            string?>
        {
            ["Pipeline:Roles"] = "web", ["Shopify:AppUrl"] = "https://storybook.example.com",
        }, environment: "Production");
        var error = Assert.Throws<InvalidOperationException>(() => _ = app.Services);
        Assert.That(error!.Message,
            Does.Contain("DataProtection:KeyEncryptionKey").And.Contain("openssl rand -base64 32"));
    }

    [Test]
    public async Task Production_requires_the_app_url()
    {
        await using var app = new AppFactory(await TestServices.CreateDatabaseAsync("prod-url"), new Dictionary<string,
            string?>
        {
            ["Pipeline:Roles"] = "web", ["DataProtection:KeyEncryptionKey"] = Kek, ["Shopify:AppUrl"] = "",
        }, environment: "Production");
        var error = Assert.Catch(() => _ = app.Services);
        Assert.That(error!.ToString(), Does.Contain("Shopify:AppUrl"));
    }

    [Test]
    public async Task Operator_sign_in_is_throttled_after_repeated_failures()
    {
        await using var app = new AppFactory(await TestServices.CreateDatabaseAsync("ops"), new Dictionary<string,
            string?>
        {
            ["Pipeline:Roles"] = "web", ["Operator:Username"] = "ops", ["Operator:Password"] = "right",
        });
        using var http = app.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String("ops:wrong"u8.ToArray()));
        for (var i = 0; i < 5; i++) Assert.That((await http.GetAsync("/ops/jobs/")).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String("ops:right"u8.ToArray()));
        var throttled = await http.GetAsync("/ops/jobs/");
        Assert.That(throttled.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests),
            "even the right password waits out the window");
        Assert.That(throttled.Headers.RetryAfter, Is.Not.Null);
    }
}
