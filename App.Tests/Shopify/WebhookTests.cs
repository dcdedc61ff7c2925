using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StorybookShop.Data;
using StorybookShop.Shopify;
using StorybookShop.Shopify.Webhooks;
using StorybookShop.Storage;
using StorybookShop.Stories;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Shopify;

public sealed class WebhookTests
{
    private ShopifyHarness _h = null!;
    private AppFactory _app = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        // Web + worker: the intake and the dispatcher both run. Stories are never started here.
        _h = await ShopifyHarness.StartAsync("webhooks", new() { ["Pipeline:Roles"] = "web,worker" });
        _app = _h.App;
        _http = _app.CreateClient();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _h.DisposeAsync();
    }

    private async Task<Shop> InstalledShopAsync()
    {
        var tokens = _app.Services.GetRequiredService<TokenProtector>();
        var shop = new Shop
        {
            Id = Guid.NewGuid(),
            Domain = ShopifyKit.RandomShop(),
            CreatedAt = DateTimeOffset.UtcNow,
            InstalledAt = DateTimeOffset.UtcNow,
            AccessToken = tokens.Protect("shpat_secret_access"),
            RefreshToken = tokens.Protect("shprt_secret_refresh"),
            AccessTokenExpiresAt = DateTimeOffset.UtcNow.AddHours(1),
            Scopes = "write_products",
        };
        await using var db = _app.Db();
        db.Shops.Add(shop);
        await db.SaveChangesAsync();
        return shop;
    }

    private async Task<Guid> StoryAsync(
        Shop shop,
        string child,
        string? customer,
        string? order,
        StoryStatus status = StoryStatus.Complete
    )
    {
        var story = StoryCreation.NewStory(
            new PersonalizationRequest(child, "3-5", "ocean", "en", null, null),
            shop.Id,
            DateTimeOffset.UtcNow
        );
        story.ShopifyCustomerId = customer;
        story.ShopifyOrderId = order;
        story.Status = status;
        story.CoverImage = AssetKeys.Cover(shop.Id, story.Id);
        await using (var db = _app.Db())
        {
            db.Stories.Add(story);
            await db.SaveChangesAsync();
        }
        await _app
            .Services.GetRequiredService<IAssetStore>()
            .PutAsync(story.CoverImage, new byte[] { 0xFF, 0xD8, 0xFF }, "image/jpeg");
        return story.Id;
    }

    private async Task<WebhookDelivery> ProcessedAsync(string eventId)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await using var db = _app.Db();
            var d = await db.WebhookDeliveries.AsNoTracking().SingleOrDefaultAsync(x => x.EventId == eventId);
            if (d is { Status: WebhookStatus.Processed or WebhookStatus.Failed } || DateTime.UtcNow > until)
                return d!;
            await Task.Delay(100);
        }
    }

    [Test]
    public async Task A_webhook_with_a_bad_hmac_is_rejected_with_401_and_not_stored()
    {
        var shop = ShopifyKit.RandomShop();
        var eventId = Guid.NewGuid().ToString();
        var response = await _http.SendAsync(
            ShopifyKit.Webhook("customers/redact", shop, "{\"shop_domain\":\"x\"}", eventId, secret: "wrong-secret")
        );
        var unsigned = await _http.SendAsync(ShopifyKit.Webhook("shop/redact", shop, "{}", sign: false));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(unsigned.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await using var db = _app.Db();
        Assert.That(await db.WebhookDeliveries.AnyAsync(d => d.EventId == eventId), Is.False);
    }

    [Test]
    public async Task A_tampered_body_is_401()
    {
        var request = ShopifyKit.Webhook("app/uninstalled", ShopifyKit.RandomShop(), "{\"id\":1}");
        var signature = request.Headers.GetValues("X-Shopify-Hmac-Sha256").Single();
        var tampered = ShopifyKit.Webhook("app/uninstalled", ShopifyKit.RandomShop(), "{\"id\":2}", sign: false);
        tampered.Headers.Add("X-Shopify-Hmac-Sha256", signature);
        Assert.That((await _http.SendAsync(tampered)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Missing_headers_are_400_naming_them()
    {
        var request = ShopifyKit.Webhook("app/uninstalled", "evil.com", "{}");
        request.Headers.Remove("X-Shopify-Topic");
        var response = await _http.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(
            problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name),
            Is.EquivalentTo(new[] { "X-Shopify-Topic", "X-Shopify-Shop-Domain" })
        );
    }

    [Test]
    public async Task Malformed_json_with_a_valid_signature_is_400()
    {
        var response = await _http.SendAsync(
            ShopifyKit.Webhook("app/uninstalled", ShopifyKit.RandomShop(), "{\"id\": ")
        );
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Anything_but_post_is_405()
    {
        Assert.That((await _http.GetAsync("/webhooks")).StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(
            (await _http.PutAsync("/webhooks", new StringContent("{}"))).StatusCode,
            Is.EqualTo(HttpStatusCode.MethodNotAllowed)
        );
    }

    [Test]
    public async Task App_uninstalled_revokes_tokens_stops_running_books_and_is_harmless_when_repeated()
    {
        var shop = await InstalledShopAsync();
        var running = await StoryAsync(shop, "Runa", null, null, StoryStatus.Generating);
        var eventId = Guid.NewGuid().ToString();
        var body = JsonSerializer.Serialize(new { id = 1, domain = shop.Domain });

        var first = await _http.SendAsync(ShopifyKit.Webhook("app/uninstalled", shop.Domain, body, eventId));
        var replay = await _http.SendAsync(ShopifyKit.Webhook("app/uninstalled", shop.Domain, body, eventId));
        var delivery = await ProcessedAsync(eventId);

        Assert.That((first.StatusCode, replay.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
        Assert.That(delivery.Status, Is.EqualTo(WebhookStatus.Processed));
        Assert.That(delivery.Attempts, Is.EqualTo(1), "processed once");
        await using var db = _app.Db();
        Assert.That(await db.WebhookDeliveries.CountAsync(d => d.EventId == eventId), Is.EqualTo(1), "stored once");
        var after = await db.Shops.SingleAsync(s => s.Id == shop.Id);
        Assert.That(
            (after.AccessToken, after.RefreshToken, after.UninstalledAt.HasValue),
            Is.EqualTo(((string?)null, (string?)null, true))
        );
        var story = await db.Stories.SingleAsync(s => s.Id == running);
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Error));
        Assert.That(story.FailureReason, Does.Contain("uninstalled"));

        var again = await _http.SendAsync(ShopifyKit.Webhook("app/uninstalled", shop.Domain, body));
        Assert.That(
            (await ProcessedAsync(again.RequestMessage!.Headers.GetValues("X-Shopify-Event-Id").Single())).Status,
            Is.EqualTo(WebhookStatus.Processed)
        );
    }

    [Test]
    public async Task The_same_delivery_arriving_many_times_at_once_is_stored_and_processed_once()
    {
        var shop = await InstalledShopAsync();
        var eventId = Guid.NewGuid().ToString();
        var body = "{\"id\":1,\"current\":[\"write_products\"]}";
        var responses = await Task.WhenAll(
            Enumerable
                .Range(0, 40)
                .Select(_ => _http.SendAsync(ShopifyKit.Webhook("app/scopes_update", shop.Domain, body, eventId)))
        );
        var others = await Task.WhenAll(
            Enumerable
                .Range(0, 40)
                .Select(i =>
                    _http.SendAsync(ShopifyKit.Webhook("app/scopes_update", shop.Domain, body, $"{eventId}-{i}"))
                )
        );

        Assert.That(
            responses.Concat(others).Select(r => r.StatusCode).Distinct(),
            Is.EqualTo(new[] { HttpStatusCode.OK })
        );
        var delivery = await ProcessedAsync(eventId);
        Assert.That(delivery.Attempts, Is.EqualTo(1));
        await using var db = _app.Db();
        Assert.That(await db.WebhookDeliveries.CountAsync(d => d.EventId == eventId), Is.EqualTo(1));
        Assert.That(
            await db.WebhookDeliveries.CountAsync(d => d.EventId.StartsWith(eventId + "-")),
            Is.EqualTo(40),
            "distinct deliveries in the same batches all stored"
        );
    }

    [Test]
    public async Task A_webhook_signed_with_the_previous_secret_is_accepted_during_rotation()
    {
        var shop = await InstalledShopAsync();
        var eventId = Guid.NewGuid().ToString();
        var response = await _http.SendAsync(
            ShopifyKit.Webhook(
                "app/scopes_update",
                shop.Domain,
                "{\"id\":1,\"previous\":[\"write_products\"],\"current\":[\"write_products\",\"read_orders\"]}",
                eventId,
                secret: ShopifyKit.PreviousSecret
            )
        );
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ProcessedAsync(eventId);
        await using var db = _app.Db();
        Assert.That(
            (await db.Shops.SingleAsync(s => s.Id == shop.Id)).Scopes,
            Is.EqualTo("write_products,read_orders")
        );
    }

    [Test]
    public async Task Customers_redact_erases_that_customers_stories_and_files_and_nothing_else()
    {
        var shop = await InstalledShopAsync();
        var theirs = await StoryAsync(shop, "Ana", "7001", null);
        var byOrder = await StoryAsync(shop, "Ben", null, "9001");
        var someoneElses = await StoryAsync(shop, "Cid", "7002", "9002");
        var store = _app.Services.GetRequiredService<IAssetStore>();
        var eventId = Guid.NewGuid().ToString();
        var orderEvent = Guid.NewGuid().ToString();
        var otherOrderEvent = Guid.NewGuid().ToString();
        await _http.SendAsync(
            ShopifyKit.Webhook(
                "orders/paid",
                shop.Domain,
                "{\"id\":9003,\"email\":\"a@example.com\",\"customer\":{\"id\":7001,\"email\":\"a@example.com\"}}",
                orderEvent
            )
        );
        await _http.SendAsync(
            ShopifyKit.Webhook("orders/paid", shop.Domain, "{\"id\":9004,\"customer\":{\"id\":7002}}", otherOrderEvent)
        );
        await ProcessedAsync(orderEvent);
        await ProcessedAsync(otherOrderEvent);

        await _http.SendAsync(
            ShopifyKit.Webhook(
                "customers/redact",
                shop.Domain,
                JsonSerializer.Serialize(
                    new
                    {
                        shop_id = 1,
                        shop_domain = shop.Domain,
                        customer = new { id = 7001, email = "a@example.com" },
                        orders_to_redact = new[] { 9001 },
                    }
                ),
                eventId
            )
        );
        Assert.That((await ProcessedAsync(eventId)).Status, Is.EqualTo(WebhookStatus.Processed));

        await using var db = _app.Db();
        Assert.That(
            await db.Stories.Where(s => s.ShopId == shop.Id).Select(s => s.Id).ToListAsync(),
            Is.EquivalentTo(new[] { someoneElses })
        );
        Assert.That(
            await db.WebhookDeliveries.CountAsync(d => d.EventId == orderEvent),
            Is.Zero,
            "the stored order webhook with the customer's email is gone"
        );
        Assert.That(
            await db.WebhookDeliveries.CountAsync(d => d.EventId == otherOrderEvent),
            Is.EqualTo(1),
            "another customer's order stays"
        );
        Assert.That(await store.ExistsAsync(AssetKeys.Cover(shop.Id, theirs)), Is.False);
        Assert.That(await store.ExistsAsync(AssetKeys.Cover(shop.Id, byOrder)), Is.False);
        Assert.That(await store.ExistsAsync(AssetKeys.Cover(shop.Id, someoneElses)), Is.True);
    }

    [Test]
    public async Task Customers_data_request_produces_an_export_of_what_we_hold_once()
    {
        var shop = await InstalledShopAsync();
        await StoryAsync(shop, "Dina", "8001", "9101");
        var body = JsonSerializer.Serialize(
            new
            {
                shop_id = 1,
                shop_domain = shop.Domain,
                orders_requested = new[] { 9101 },
                customer = new { id = 8001 },
                data_request = new { id = 555 },
            }
        );
        var first = Guid.NewGuid().ToString();
        await _http.SendAsync(ShopifyKit.Webhook("customers/data_request", shop.Domain, body, first));
        await ProcessedAsync(first);
        var second = Guid.NewGuid().ToString(); // Shopify may send the same request again under a new event id
        await _http.SendAsync(ShopifyKit.Webhook("customers/data_request", shop.Domain, body, second));
        await ProcessedAsync(second);

        await using var db = _app.Db();
        var export = await db.DataExports.SingleAsync(x => x.ShopId == shop.Id);
        Assert.That((export.CustomerId, export.DataRequestId), Is.EqualTo(("8001", "555")));

        // The merchant fetches it with a session token for the shop; another shop cannot.
        using var list = new HttpRequestMessage(HttpMethod.Get, "/api/data-exports");
        list.Headers.Authorization = new("Bearer", ShopifyKit.SessionToken(shop.Domain));
        var listed = JsonDocument.Parse(await (await _http.SendAsync(list)).Content.ReadAsStringAsync());
        Assert.That(
            listed.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetGuid()),
            Is.EqualTo(new[] { export.Id })
        );
        using var get = new HttpRequestMessage(HttpMethod.Get, $"/api/data-exports/{export.Id}");
        get.Headers.Authorization = new("Bearer", ShopifyKit.SessionToken(shop.Domain));
        using var payload = JsonDocument.Parse(await (await _http.SendAsync(get)).Content.ReadAsStringAsync());
        Assert.That(
            payload.RootElement.GetProperty("stories")[0].GetProperty("childName").GetString(),
            Is.EqualTo("Dina")
        );
        using var foreign = new HttpRequestMessage(HttpMethod.Get, $"/api/data-exports/{export.Id}");
        foreign.Headers.Authorization = new("Bearer", ShopifyKit.SessionToken(ShopifyKit.RandomShop()));
        Assert.That((await _http.SendAsync(foreign)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_compliance_request_naming_another_shop_in_its_body_is_401_and_erases_nothing()
    {
        var victim = await InstalledShopAsync();
        var sender = await InstalledShopAsync();
        var story = await StoryAsync(victim, "Eli", "1", null);

        var response = await _http.SendAsync(
            ShopifyKit.Webhook(
                "shop/redact",
                sender.Domain,
                JsonSerializer.Serialize(new { shop_id = 1, shop_domain = victim.Domain }),
                Guid.NewGuid().ToString()
            )
        );

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await using var db = _app.Db();
        Assert.That(await db.Stories.AnyAsync(s => s.Id == story), "the named shop's data is untouched");
        Assert.That(
            await db.WebhookDeliveries.AnyAsync(d => d.ShopDomain == sender.Domain && d.Topic == "shop/redact"),
            Is.False,
            "nothing stored"
        );
    }

    [Test]
    public async Task Shop_redact_erases_the_shop_its_stories_and_every_file()
    {
        var shop = await InstalledShopAsync();
        var story = await StoryAsync(shop, "Eli", "1", null);
        var store = _app.Services.GetRequiredService<LocalAssetStore>();
        var eventId = Guid.NewGuid().ToString();

        await _http.SendAsync(
            ShopifyKit.Webhook(
                "shop/redact",
                shop.Domain,
                JsonSerializer.Serialize(new { shop_id = 1, shop_domain = shop.Domain }),
                eventId
            )
        );
        Assert.That((await ProcessedAsync(eventId)).Status, Is.EqualTo(WebhookStatus.Processed));

        await using var db = _app.Db();
        Assert.That(await db.Shops.AnyAsync(s => s.Id == shop.Id), Is.False);
        Assert.That(await db.Stories.AnyAsync(s => s.Id == story), Is.False);
        Assert.That(Directory.Exists(Path.Combine(store.Root, "shops", shop.Id.ToString("N"))), Is.False);
    }

    [Test]
    public async Task A_delivery_left_half_done_by_a_crashed_node_is_taken_back_when_its_lease_runs_out()
    {
        var shop = await InstalledShopAsync();
        var eventId = Guid.NewGuid().ToString();
        await using (var conn = await _app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync())
        await using (
            var cmd = new NpgsqlCommand(
                """
                INSERT INTO webhook_deliveries (id, event_id, topic, shop_domain, received_at, payload, status,
                  attempts, locked_until)
                VALUES (gen_random_uuid(), @e, 'app/scopes_update', @s, now(), '{"current":["read_orders"]}',
                  'Processing', 1, now() - interval '1 second')
                """,
                conn
            )
        )
        {
            cmd.Parameters.AddWithValue("e", eventId);
            cmd.Parameters.AddWithValue("s", shop.Domain);
            await cmd.ExecuteNonQueryAsync();
        }

        var delivery = await ProcessedAsync(eventId);

        Assert.That((delivery.Status, delivery.Attempts), Is.EqualTo((WebhookStatus.Processed, 2)));
        await using var db = _app.Db();
        Assert.That((await db.Shops.SingleAsync(s => s.Id == shop.Id)).Scopes, Is.EqualTo("read_orders"));
    }

    [Test]
    public async Task Processed_deliveries_older_than_the_retention_are_deleted_and_failed_ones_kept()
    {
        var old = Guid.NewGuid().ToString();
        var failed = Guid.NewGuid().ToString();
        var recent = Guid.NewGuid().ToString();
        await using (var conn = await _app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync())
        await using (
            var cmd = new NpgsqlCommand(
                """
                INSERT INTO webhook_deliveries (id, event_id, topic, shop_domain, received_at, payload, status,
                  attempts, processed_at) VALUES
                  (gen_random_uuid(), @old, 'orders/paid', 'x.myshopify.com', now() - interval '30 days', '{}',
                    'Processed', 1, now() - interval '30 days'),
                  (gen_random_uuid(), @failed, 'orders/paid', 'x.myshopify.com', now() - interval '30 days',
                    '{}', 'Failed', 8, NULL),
                  (gen_random_uuid(), @recent, 'orders/paid', 'x.myshopify.com', now(), '{}', 'Processed', 1, now())
                """,
                conn
            )
        )
        {
            cmd.Parameters.AddWithValue("old", old);
            cmd.Parameters.AddWithValue("failed", failed);
            cmd.Parameters.AddWithValue("recent", recent);
            await cmd.ExecuteNonQueryAsync();
        }

        Assert.That(
            await _app.Services.GetRequiredService<WebhookDispatcher>().PruneAsync(CancellationToken.None),
            Is.GreaterThanOrEqualTo(1)
        );

        await using var db = _app.Db();
        var left = await db
            .WebhookDeliveries.Where(d => d.EventId == old || d.EventId == failed || d.EventId == recent)
            .Select(d => d.EventId)
            .ToListAsync();
        Assert.That(left, Is.EquivalentTo(new[] { failed, recent }));
    }

    [Test]
    public async Task Tokens_are_encrypted_at_rest_and_another_node_can_read_them()
    {
        var shop = await InstalledShopAsync();
        await using var db = _app.Db();
        var stored = await db.Shops.AsNoTracking().Where(s => s.Id == shop.Id).Select(s => s.AccessToken).SingleAsync();
        Assert.That(stored, Does.Not.Contain("shpat_secret_access"));

        // A second node with its own process-local state reads the key ring from the database.
        await using var otherNode = new AppFactory(
            _app.ConnectionString,
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web" }
        );
        Assert.That(
            otherNode.Services.GetRequiredService<TokenProtector>().Unprotect(stored),
            Is.EqualTo("shpat_secret_access")
        );
    }
}
