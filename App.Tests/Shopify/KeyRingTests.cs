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
        await using (
            var node = new AppFactory(
                connection,
                new Dictionary<string, string?>
                {
                    ["Pipeline:Roles"] = "web",
                    ["DataProtection:KeyEncryptionKey"] = Kek,
                }
            )
        )
        {
            stored = node.Services.GetRequiredService<TokenProtector>().Protect("shpat_dumped")!;
            await using var db = node.Db();
            var ring = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync();
            Assert.That(ring, Is.Not.Empty);
            Assert.That(
                ring,
                Has.All.Contain("encryptedKey").And.All.Not.Contain("<masterKey"),
                "no key material in the clear"
            );
        }
        await using (
            var other = new AppFactory(
                connection,
                new Dictionary<string, string?>
                {
                    ["Pipeline:Roles"] = "web",
                    ["DataProtection:KeyEncryptionKey"] = Kek,
                }
            )
        )
            Assert.That(
                other.Services.GetRequiredService<TokenProtector>().Unprotect(stored),
                Is.EqualTo("shpat_dumped"),
                "another node with the KEK"
            );
        var wrong = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using (
            var thief = new AppFactory(
                connection,
                new Dictionary<string, string?>
                {
                    ["Pipeline:Roles"] = "web",
                    ["DataProtection:KeyEncryptionKey"] = wrong,
                }
            )
        )
            Assert.That(
                () => thief.Services.GetRequiredService<TokenProtector>().Unprotect(stored),
                Throws.InstanceOf<CryptographicException>(),
                "the dump and any other key read nothing"
            );
    }

    [Test]
    public async Task Production_refuses_to_start_without_a_key_encryption_key_and_says_how_to_make_one()
    {
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("prod"),
            new Dictionary<string, string?>
            {
                ["Pipeline:Roles"] = "web",
                ["Shopify:AppUrl"] = "https://storybook.example.com",
            },
            environment: "Production"
        );
        var error = Assert.Throws<InvalidOperationException>(() => _ = app.Services);
        Assert.That(
            error!.Message,
            Does.Contain("DataProtection:KeyEncryptionKey").And.Contain("openssl rand -base64 32")
        );
    }

    [TestCase("Production")]
    [TestCase("Staging")]
    public async Task Dev_endpoints_are_refused_outside_development(string environment)
    {
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("dev-endpoints"),
            new Dictionary<string, string?>
            {
                ["Pipeline:Roles"] = "web",
                ["DataProtection:KeyEncryptionKey"] = Kek,
                ["Shopify:AppUrl"] = "https://storybook.example.com",
                ["Api:DevEndpoints"] = "true",
            },
            environment: environment
        );
        var error = Assert.Catch(() => _ = app.Services);
        Assert.That(
            error!.ToString(),
            Does.Contain("Api:DevEndpoints").And.Contain("Development"),
            "a request without a token would act for the dev shop"
        );
    }

    [Test]
    public async Task Every_environment_but_development_requires_the_key_encryption_key_and_an_https_app_url()
    {
        await using (
            var noKek = new AppFactory(
                await TestServices.CreateDatabaseAsync("staging"),
                new Dictionary<string, string?>
                {
                    ["Pipeline:Roles"] = "web",
                    ["Shopify:AppUrl"] = "https://storybook.example.com",
                },
                environment: "Staging"
            )
        )
            Assert.That(
                Assert.Catch(() => _ = noKek.Services)!.ToString(),
                Does.Contain("DataProtection:KeyEncryptionKey")
            );
        await using (
            var plainHttp = new AppFactory(
                await TestServices.CreateDatabaseAsync("staging-http"),
                new Dictionary<string, string?>
                {
                    ["Pipeline:Roles"] = "web",
                    ["DataProtection:KeyEncryptionKey"] = Kek,
                    ["Shopify:AppUrl"] = "http://storybook.example.com",
                },
                environment: "production"
            )
        )
            Assert.That(Assert.Catch(() => plainHttp.CreateClient())!.ToString(), Does.Contain("Shopify:AppUrl"));
    }

    [Test]
    public async Task Key_ring_entries_written_before_a_key_encryption_key_are_encrypted_once_one_is_configured()
    {
        var connection = await TestServices.CreateDatabaseAsync("keyring-late");
        string stored;
        await using (
            var before = new AppFactory(connection, new Dictionary<string, string?> { ["Pipeline:Roles"] = "web" })
        )
        {
            stored = before.Services.GetRequiredService<TokenProtector>().Protect("shpat_early")!;
            await using var db = before.Db();
            Assert.That(
                await db.DataProtectionKeys.Select(k => k.Xml).ToListAsync(),
                Has.Some.Contain("<masterKey"),
                "written without a KEK: the master key in the clear"
            );
        }
        await using (
            var after = new AppFactory(
                connection,
                new Dictionary<string, string?>
                {
                    ["Pipeline:Roles"] = "web",
                    ["DataProtection:KeyEncryptionKey"] = Kek,
                }
            )
        )
        {
            _ = after.CreateClient(); // starts: the key ring is protected at start
            await using var db = after.Db();
            var ring = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync();
            Assert.That(
                ring,
                Has.All.Contain("encryptedKey").And.All.Not.Contain("<masterKey"),
                "a dump now holds no usable key"
            );
        }
        await using (
            var reader = new AppFactory(
                connection,
                new Dictionary<string, string?>
                {
                    ["Pipeline:Roles"] = "web",
                    ["DataProtection:KeyEncryptionKey"] = Kek,
                }
            )
        )
            Assert.That(
                reader.Services.GetRequiredService<TokenProtector>().Unprotect(stored),
                Is.EqualTo("shpat_early"),
                "tokens protected before still read, with the KEK"
            );
    }

    [Test]
    public async Task Production_requires_the_app_url()
    {
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("prod-url"),
            new Dictionary<string, string?>
            {
                ["Pipeline:Roles"] = "web",
                ["DataProtection:KeyEncryptionKey"] = Kek,
                ["Shopify:AppUrl"] = "",
            },
            environment: "Production"
        );
        var error = Assert.Catch(() => _ = app.Services);
        Assert.That(error!.ToString(), Does.Contain("Shopify:AppUrl"));
    }

    private static async Task<AppFactory> OperatorNodeAsync(string purpose) =>
        new(
            await TestServices.CreateDatabaseAsync(purpose),
            new Dictionary<string, string?>
            {
                ["Pipeline:Roles"] = "web",
                ["Operator:Username"] = "ops",
                ["Operator:Password"] = "right",
            }
        );

    private static HttpRequestMessage Operator(string path, string credentials, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credentials))
        );
        if (forwardedFor is not null)
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        return request;
    }

    [Test]
    public async Task Wrong_operator_passwords_are_throttled_but_nobody_at_the_same_address_locks_the_operator_out()
    {
        await using var app = await OperatorNodeAsync("ops");
        using var http = app.CreateClient();
        // Everyone behind the company's proxy arrives from one address.
        for (var i = 0; i < 5; i++)
        {
            using var guess = Operator("/ops/jobs/", "ops:wrong" + i);
            Assert.That((await http.SendAsync(guess)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        using (var sixth = Operator("/ops/jobs/", "ops:wrong-again"))
        {
            var throttled = await http.SendAsync(sixth);
            Assert.That(throttled.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "the guesser waits");
            Assert.That(throttled.Headers.RetryAfter, Is.Not.Null);
        }
        using (var right = Operator("/ops/jobs/", "ops:right"))
            Assert.That(
                (await http.SendAsync(right)).StatusCode,
                Is.EqualTo(HttpStatusCode.OK),
                "the operator, from the same address, is not locked out"
            );
        using (var another = Operator("/ops/jobs/", "ops:wrong", forwardedFor: "198.51.100.20"))
            Assert.That(
                (await http.SendAsync(another)).StatusCode,
                Is.EqualTo(HttpStatusCode.Unauthorized),
                "another address has its own allowance"
            );
    }

    [Test]
    public async Task No_operator_page_can_be_framed()
    {
        await using var app = await OperatorNodeAsync("ops-frame");
        using var http = app.CreateClient();
        foreach (
            var path in new[] { "/ops/jobs/", "/ops/jobs/jobs/succeeded", "/ops/jobs/recurring", "/ops/jobs/servers" }
        )
        {
            using var request = Operator(path, "ops:right");
            var response = await http.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
            Assert.That(response.Headers.GetValues("X-Frame-Options"), Is.EqualTo(new[] { "DENY" }), path);
            Assert.That(
                response.Headers.GetValues("Content-Security-Policy").Single(),
                Does.Contain("frame-ancestors 'none'"),
                path
            );
        }
        using var refused = Operator("/ops/jobs/", "ops:nope");
        var denied = await http.SendAsync(refused);
        Assert.That(denied.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(
            denied.Headers.GetValues("X-Frame-Options"),
            Is.EqualTo(new[] { "DENY" }),
            "the sign-in prompt too"
        );
    }
}
