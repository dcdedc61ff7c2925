using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Storefront;

/// <summary>
/// The shopper's path end to end, through signed app-proxy requests and signed webhooks against the fake
/// Shopify: personalize → preview (only the text, cover and first pages made; pictures watermarked and small)
/// → orders/paid (twice; processed once) → the rest of the book → fulfillment with the download link →
/// the download page works, expires, and a refund withdraws it.
/// </summary>
public sealed class StorefrontTests
{
    private ShopifyHarness _h = null!;
    private FakeShopifyCatalog _catalog = null!;
    private HttpClient _http = null!;
    private string _shop = "";

    [OneTimeSetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync(
            "storefront",
            new()
            {
                ["Pipeline:Roles"] = "web,worker",
                ["Api:DevEndpoints"] = "false",
                ["Shopify:AppUrl"] = "https://storybookshop.example.com",
                ["Storefront:StoriesPerClientPerMinute"] = "3",
            }
        );
        _catalog = new FakeShopifyCatalog(_h.Shopify);
        _h.Shopify.Answer = _catalog.Answer;
        (_shop, _) = await _h.InstalledShopAsync();
        _http = _h.App.CreateClient();
        await SettingsAsync(_shop, new { bookProductIds = new[] { BookProduct } });
    }

    /// <summary>The shop's product that sells personalized books (chosen in Settings); anything else in the shop is not
    /// a book.</summary>
    private const string BookProduct = "900";
    private const long Plush = 901;

    private async Task SettingsAsync(string shop, object settings)
    {
        using var api = _h.App.CreateClient();
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Bearer",
            ShopifyKit.SessionToken(shop)
        );
        var response = await api.PutAsJsonAsync("/api/settings", settings);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _h.DisposeAsync();
    }

    private async Task<JsonElement> StartBookAsync(string child, string customer)
    {
        var response = await _http.PostAsJsonAsync(
            ShopifyKit.ProxyUrl("/proxy/stories", _shop, customer),
            new
            {
                childName = child,
                ageGroup = "3-5",
                genre = "ocean",
                companions = new[] { new { name = "Finn", kind = "dolphin" } },
            }
        );
        Assert.That(
            response.StatusCode,
            Is.EqualTo(HttpStatusCode.Accepted),
            await response.Content.ReadAsStringAsync()
        );
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Reads the Server-Sent Events stream to its end; returns every event as (name, data).</summary>
    private async Task<List<(string Event, JsonElement Data)>> EventsAsync(Guid id)
    {
        using var request = new HttpRequestMessage(
            HttpMethod.Get,
            ShopifyKit.ProxyUrl($"/proxy/stories/{id}/events", _shop)
        );
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<(string, JsonElement)>();
        string? name = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
                name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
                events.Add((name!, JsonDocument.Parse(line[6..]).RootElement.Clone()));
        }
        return events;
    }

    private HttpRequestMessage Webhook(string topic, object payload, string? eventId = null) =>
        ShopifyKit.Webhook(topic, _shop, JsonSerializer.Serialize(payload), eventId);

    private Task<Story> WaitForAsync(Guid id, Func<Story, bool> done) =>
        _h.App.WaitForStoryAsync(id, done, TimeSpan.FromMinutes(2));

    private static (int Width, int Height) JpegSize(byte[] jpeg)
    {
        for (var i = 2; i + 9 < jpeg.Length; )
        {
            if (jpeg[i] != 0xFF)
            {
                i++;
                continue;
            }
            var marker = jpeg[i + 1];
            var length = jpeg[i + 2] << 8 | jpeg[i + 3];
            if (marker is 0xC0 or 0xC1 or 0xC2)
                return (jpeg[i + 7] << 8 | jpeg[i + 8], jpeg[i + 5] << 8 | jpeg[i + 6]);
            i += 2 + length;
        }
        return (0, 0);
    }

    [Test]
    public async Task Personalize_preview_pay_deliver_expire_and_refund()
    {
        // Personalize: the book starts; only a preview is made before purchase.
        var created = await StartBookAsync("Lina", "7001");
        var id = created.GetProperty("id").GetGuid();
        Assert.That(created.GetProperty("previewOnly").GetBoolean(), Is.True);
        Assert.That(
            created.GetProperty("eventsUrl").GetString(),
            Is.EqualTo($"/apps/storybook/stories/{id}/events"),
            "links go through the shop's proxy path"
        );

        var events = await EventsAsync(id);
        Assert.That(events.Select(e => e.Event), Does.Contain("progress"));
        Assert.That(events[^1].Event, Is.EqualTo("done"));
        Assert.That(events[^1].Data.GetProperty("status").GetString(), Is.EqualTo("Preview"));
        Assert.That(
            events.Where(e => e.Event == "progress").Select(e => e.Data.GetProperty("percentDone").GetInt32()),
            Is.Ordered,
            "progress only moves forward"
        );

        var preview = await WaitForAsync(id, s => s.Status == StoryStatus.Preview);
        Assert.That(preview.ShopifyCustomerId, Is.EqualTo("7001"));
        Assert.That(
            preview.Pages.Count(p => p.ImageStage == AssetStage.Done),
            Is.EqualTo(2),
            "cover + the first two pages before purchase"
        );
        Assert.That(preview.Pages.Count(p => p.AudioStage == AssetStage.Done), Is.Zero);
        Assert.That(preview.PdfUrl, Is.Null);

        var page = await _http.GetStringAsync(ShopifyKit.ProxyUrl($"/proxy/stories/{id}/preview", _shop));
        Assert.That(
            page,
            Does.Contain(preview.Title!)
                .And.Contain($"/apps/storybook/stories/{id}/preview/0.jpg")
                .And.Contain($"/apps/storybook/stories/{id}/preview/2.jpg")
        );
        Assert.That(page, Does.Not.Contain($"preview/3.jpg"));
        // The whole book's price; without the shopper's variant (an old link) the way back to the product page.
        Assert.That(page, Does.Contain("The whole book: 19.99").And.Contain("Go back to the book&#x27;s product page"));
        // With it, the shop's own cart form: that variant, this story, one unit — and the shop's currency.
        _catalog.Currencies[_shop] = "EUR";
        using (var admin = _h.App.CreateClient())
        {
            admin.DefaultRequestHeaders.Authorization = new("Bearer", ShopifyKit.SessionToken(_shop));
            await admin.GetStringAsync(ShopifyKit.AdminUrl("/", _shop)); // the merchant's first visit reads the shop
        }
        await using (var db = _h.App.Db())
            Assert.That(
                (await db.Shops.SingleAsync(s => s.Domain == _shop)).CurrencyCode,
                Is.EqualTo("EUR"),
                "the shop's currency, read on the merchant's first visit"
            );
        var buy = await _http.GetStringAsync(
            ShopifyKit.ProxyUrl(
                $"/proxy/stories/{id}/preview",
                _shop,
                extra: new Dictionary<string, string> { ["variant"] = "4711" }
            )
        );
        Assert.That(
            buy,
            Does.Contain("<form id=\"add-to-cart\" method=\"post\" action=\"/cart/add\">")
                .And.Contain("name=\"id\" value=\"4711\"")
                .And.Contain($"name=\"properties[_story_id]\" value=\"{id}\"")
                .And.Contain("The whole book: 19.99 EUR")
        );
        var badVariant = await _http.GetAsync(
            ShopifyKit.ProxyUrl(
                $"/proxy/stories/{id}/preview",
                _shop,
                extra: new Dictionary<string, string> { ["variant"] = "47x" }
            )
        );
        Assert.That(badVariant.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a variant is digits, or refused");
        var small = await _http.GetByteArrayAsync(ShopifyKit.ProxyUrl($"/proxy/stories/{id}/preview/1.jpg", _shop));
        Assert.That(
            JpegSize(small),
            Is.EqualTo((480, 480)),
            "small: 480 px (the book's pictures are 512 px here, 1536 in production)"
        );
        var original = File.ReadAllBytes(
            Path.Combine(_h.App.AssetRoot, preview.Pages.Single(p => p.Number == 1).ImageKey!)
        );
        Assert.That(small, Is.Not.EqualTo(original));
        Assert.That(
            (await _http.GetAsync(ShopifyKit.ProxyUrl($"/proxy/stories/{id}/preview/5.jpg", _shop))).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound),
            "no page beyond the preview"
        );

        // Pay: the order carries the private _story_id; Shopify sends orders/paid (and may send it again).
        _catalog.Orders["5001"] = new FakeShopifyCatalog.Order { Id = "5001" };
        _catalog.Orders["5001"].Lines.Add(("11", new Dictionary<string, string> { ["_story_id"] = id.ToString() }, 1));
        // a physical item in the same order
        _catalog.Orders["5001"].Lines.Add(("12", new Dictionary<string, string>(), 1));
        var order = new
        {
            id = 5001,
            customer = new { id = 7001 },
            email = "parent@example.com",
            line_items = new object[]
            {
                new
                {
                    id = 11,
                    product_id = 900L,
                    price = "24.99",
                    title = "Personalized storybook",
                    properties = new[] { new { name = "_story_id", value = id.ToString() } },
                },
                new
                {
                    id = 12,
                    product_id = Plush,
                    price = "9.99",
                    title = "Plush dolphin",
                    properties = Array.Empty<object>(),
                },
            },
        };
        var eventId = Guid.NewGuid().ToString();
        foreach (
            var (request, expected) in new[]
            {
                (Webhook("orders/paid", order, eventId), HttpStatusCode.OK),
                (Webhook("orders/paid", order, eventId), HttpStatusCode.OK),
                (Webhook("orders/paid", order), HttpStatusCode.OK),
            }
        )
            Assert.That((await _http.SendAsync(request)).StatusCode, Is.EqualTo(expected));

        var done = await WaitForAsync(id, s => s.Status == StoryStatus.Complete);
        Assert.That(done.Status, Is.EqualTo(StoryStatus.Complete), done.FailureReason);
        Assert.That((done.ShopifyOrderId, done.PaidAt is not null), Is.EqualTo(("5001", true)));
        Assert.That(
            done.Pages.All(p => p.ImageStage == AssetStage.Done && p.AudioStage == AssetStage.Done),
            "the rest of the book was made after payment"
        );

        Delivery? found;
        var until = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            await using var db = _h.App.Db();
            found = await db.Deliveries.AsNoTracking().SingleOrDefaultAsync(d => d.StoryId == id);
            if (found?.FulfillmentId is not null || DateTime.UtcNow > until)
                break;
            await Task.Delay(250);
        }
        Assert.That(found?.FulfillmentId, Does.StartWith("gid://shopify/Fulfillment/"));
        var delivery = found!;
        var fulfillment = _catalog.Orders["5001"].Fulfillments.Single();
        Assert.That(
            fulfillment["fulfillment"]!["notifyCustomer"]!.GetValue<bool>(),
            Is.True,
            "Shopify emails the buyer"
        );
        var url = fulfillment["fulfillment"]!["trackingInfo"]!["url"]!.GetValue<string>();
        Assert.That(url, Is.EqualTo($"https://storybookshop.example.com/downloads/{delivery.Token}"));
        var items = fulfillment["fulfillment"]!["lineItemsByFulfillmentOrder"]![0]![
            "fulfillmentOrderLineItems"
        ]!.AsArray();
        Assert.That(
            items.Select(i => i!["id"]!.GetValue<string>()),
            Is.EqualTo(new[] { "gid://shopify/FulfillmentOrderLineItem/11" }),
            "only the book's line, not the plush"
        );

        // The download page and its files.
        var download = await _http.GetAsync($"/downloads/{delivery.Token}");
        Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var html = await download.Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain(done.Title!).And.Contain("for printing"));
        var pdfLink = System
            .Text.RegularExpressions.Regex.Match(html, "href=\"([^\"]+files/book\\.pdf)\"")
            .Groups[1]
            .Value;
        Assert.That(pdfLink, Is.EqualTo($"/downloads/{delivery.Token}/files/book.pdf"));
        var pdf = await _http.GetAsync(pdfLink);
        Assert.That(
            (pdf.StatusCode, pdf.Content.Headers.ContentType?.MediaType),
            Is.EqualTo((HttpStatusCode.OK, "application/pdf"))
        );

        // Every file link goes through the delivery; what it hands out lives a minute at most.
        Assert.That(html, Does.Not.Contain("/assets/"), "no signed asset link on the page itself");
        var reader = await _http.GetStringAsync($"/downloads/{delivery.Token}/read");
        Assert.That(reader, Does.Not.Contain("/assets/").And.Contain($"/downloads/{delivery.Token}/files/page-1.mp3"));
        using var noRedirect = _h.App.CreateClient(
            new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }
        );
        var handedOut = await noRedirect.GetAsync(pdfLink);
        Assert.That(handedOut.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var location = handedOut.Headers.Location!.ToString();
        var expires = long.Parse(
            Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(
                location[location.IndexOf('?', StringComparison.Ordinal)..]
            )["exp"]!,
            System.Globalization.CultureInfo.InvariantCulture
        );
        Assert.That(expires - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Is.InRange(1, 60));
        var signedBeforeRefund = location;
        Assert.That(
            (await _http.GetAsync("/downloads/not-a-real-token-at-all-000000")).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound)
        );

        // Links expire...
        await using (var db = _h.App.Db())
            await db
                .Deliveries.Where(d => d.Id == delivery.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        Assert.That((await _http.GetAsync($"/downloads/{delivery.Token}")).StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        await using (var db = _h.App.Db())
            await db
                .Deliveries.Where(d => d.Id == delivery.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.ExpiresAt, DateTimeOffset.UtcNow.AddDays(30)));
        Assert.That((await _http.GetAsync($"/downloads/{delivery.Token}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // ...and a refund of the book's line withdraws them.
        var refund = new
        {
            id = 801,
            order_id = 5001,
            refund_line_items = new[]
            {
                new
                {
                    line_item_id = 11,
                    quantity = 1,
                    line_item = new
                    {
                        id = 11,
                        properties = new[] { new { name = "_story_id", value = id.ToString() } },
                    },
                },
            },
        };
        Assert.That(
            (await _http.SendAsync(Webhook("refunds/create", refund))).StatusCode,
            Is.EqualTo(HttpStatusCode.OK)
        );
        var revoked = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            status = (await _http.GetAsync($"/downloads/{delivery.Token}")).StatusCode;
            if (status == HttpStatusCode.Gone)
                break;
            await Task.Delay(250);
        } while (DateTime.UtcNow < revoked);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Gone));
        Assert.That(
            (await _http.GetAsync(pdfLink)).StatusCode,
            Is.EqualTo(HttpStatusCode.Gone),
            "the file link dies with the refund"
        );
        Assert.That(
            (await _http.GetAsync($"/downloads/{delivery.Token}/files/page-1.jpg")).StatusCode,
            Is.EqualTo(HttpStatusCode.Gone)
        );
        Assert.That(
            signedBeforeRefund,
            Does.StartWith("/assets/"),
            "a link fetched before the refund is a local signed one whose expiry was checked above"
        );
        await using (var db = _h.App.Db())
            Assert.That(
                await db.Deliveries.CountAsync(d => d.StoryId == id),
                Is.EqualTo(1),
                "one delivery however many times orders/paid came"
            );
    }

    [Test]
    public async Task Bad_personalization_is_a_400_naming_fields_and_too_many_books_from_one_shopper_is_a_429()
    {
        var bad = await _http.PostAsJsonAsync(
            ShopifyKit.ProxyUrl("/proxy/stories", _shop, "8001"),
            new
            {
                childName = "",
                ageGroup = "12-14",
                genre = "space",
            }
        );
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var errors = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.That(errors.EnumerateObject().Select(e => e.Name), Is.EquivalentTo(new[] { "childName", "ageGroup" }));

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        await TestServices.AwaitFreshMinuteAsync(); // the four requests count within one one-minute window
        for (var i = 0; i < 4; i++)
        {
            last = await _http.PostAsJsonAsync(
                ShopifyKit.ProxyUrl("/proxy/stories", _shop, "8002"),
                new
                {
                    childName = "Omi",
                    ageGroup = "0-3",
                    genre = "space",
                }
            );
            statuses.Add(last.StatusCode);
        }
        Assert.That(
            statuses,
            Is.EqualTo(
                new[]
                {
                    HttpStatusCode.Accepted,
                    HttpStatusCode.Accepted,
                    HttpStatusCode.Accepted,
                    HttpStatusCode.TooManyRequests,
                }
            )
        );
        Assert.That(
            int.Parse(
                last!.Headers.GetValues("Retry-After").Single(),
                System.Globalization.CultureInfo.InvariantCulture
            ),
            Is.InRange(1, 60)
        );
        Assert.That(
            (
                await _http.PostAsJsonAsync(
                    ShopifyKit.ProxyUrl("/proxy/stories", _shop, "8003"),
                    new
                    {
                        childName = "Ada",
                        ageGroup = "0-3",
                        genre = "space",
                    }
                )
            ).StatusCode,
            Is.EqualTo(HttpStatusCode.Accepted),
            "another shopper is not held back"
        );
        Assert.That(
            (
                await _http.PostAsJsonAsync(
                    $"/proxy/stories?shop={_shop}",
                    new
                    {
                        childName = "Eve",
                        ageGroup = "0-3",
                        genre = "space",
                    }
                )
            ).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized),
            "unsigned"
        );
    }

    [Test]
    public async Task A_shop_that_makes_the_whole_book_before_purchase_delivers_as_soon_as_it_is_paid()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using (var api = _h.App.CreateClient())
        {
            api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Bearer",
                ShopifyKit.SessionToken(shop)
            );
            Assert.That(
                (
                    await api.PutAsJsonAsync(
                        "/api/settings",
                        new { previewBeforePurchase = false, bookProductIds = new[] { BookProduct } }
                    )
                ).StatusCode,
                Is.EqualTo(HttpStatusCode.OK)
            );
        }
        var response = await _http.PostAsJsonAsync(
            ShopifyKit.ProxyUrl("/proxy/stories", shop, "9001"),
            new
            {
                childName = "Rafa",
                ageGroup = "0-3",
                genre = "dinosaurs",
            }
        );
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var complete = await WaitForAsync(id, s => s.Status == StoryStatus.Complete);
        Assert.That(complete.Status, Is.EqualTo(StoryStatus.Complete), "the whole book, before any payment");
        await using (var db = _h.App.Db())
            Assert.That(
                await db.Deliveries.AnyAsync(d => d.StoryId == id),
                Is.False,
                "but nothing is delivered unpaid"
            );

        _catalog.Orders["6001"] = new FakeShopifyCatalog.Order { Id = "6001" };
        _catalog.Orders["6001"].Lines.Add(("21", new Dictionary<string, string> { ["_story_id"] = id.ToString() }, 1));
        // No customer and no e-mail in the payload (an app not approved for protected customer data gets none): still
        // delivered.
        var paid = ShopifyKit.Webhook(
            "orders/paid",
            shop,
            JsonSerializer.Serialize(
                new
                {
                    id = 6001,
                    line_items = new[]
                    {
                        new
                        {
                            id = 21,
                            product_id = 900L,
                            price = "24.99",
                            properties = new[] { new { name = "_story_id", value = id.ToString() } },
                        },
                    },
                }
            )
        );
        Assert.That((await _http.SendAsync(paid)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var until = DateTime.UtcNow.AddMinutes(1);
        while (_catalog.Orders["6001"].Fulfillments.Count == 0 && DateTime.UtcNow < until)
            await Task.Delay(250);
        Assert.That(_catalog.Orders["6001"].Fulfillments, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Paying_for_another_product_or_a_cheaper_variant_with_the_story_id_does_not_release_the_book()
    {
        var id = (await StartBookAsync("Mallory", "7002")).GetProperty("id").GetGuid();
        var preview = await WaitForAsync(id, s => s.Status == StoryStatus.Preview);
        Assert.That(preview.Status, Is.EqualTo(StoryStatus.Preview));

        // The attack: the shop's cheapest product, with properties[_story_id] added through the Ajax cart API.
        _catalog.Orders["5101"] = new FakeShopifyCatalog.Order { Id = "5101" };
        _catalog.Orders["5101"].Lines.Add(("61", new Dictionary<string, string> { ["_story_id"] = id.ToString() }, 1));
        var order = new
        {
            id = 5101,
            customer = new { id = 7002 },
            line_items = new[]
            {
                new
                {
                    id = 61,
                    product_id = Plush,
                    price = "0.50",
                    properties = new[] { new { name = "_story_id", value = id.ToString() } },
                },
            },
        };
        Assert.That((await _http.SendAsync(Webhook("orders/paid", order))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var refused = await WaitForAsync(id, s => s.FailureReason is not null);
        Assert.That(refused.Status, Is.EqualTo(StoryStatus.Preview), "still only a preview");
        Assert.That(refused.Released, Is.False);
        Assert.That(refused.FailureReason, Does.Contain("not a book product"), "the merchant sees why on the story");

        // The book product itself, but a variant priced below the shop's book price.
        await SettingsAsync(_shop, new { bookProductIds = new[] { BookProduct }, price = 24.99m });
        try
        {
            var cheap = new
            {
                id = 5102,
                line_items = new[]
                {
                    new
                    {
                        id = 62,
                        product_id = 900L,
                        price = "1.00",
                        properties = new[] { new { name = "_story_id", value = id.ToString() } },
                    },
                },
            };
            Assert.That(
                (await _http.SendAsync(Webhook("orders/paid", cheap))).StatusCode,
                Is.EqualTo(HttpStatusCode.OK)
            );
            var again = await WaitForAsync(id, s =>
                s.FailureReason?.Contains("5102", StringComparison.Ordinal) == true
            );
            Assert.That(again.FailureReason, Does.Contain("below the book's price"));
            Assert.That(again.Status, Is.EqualTo(StoryStatus.Preview));
        }
        finally
        {
            await SettingsAsync(_shop, new { bookProductIds = new[] { BookProduct } });
        }
        await using var db = _h.App.Db();
        Assert.That(await db.Deliveries.AnyAsync(d => d.StoryId == id), Is.False, "no delivery");
        Assert.That(_catalog.Orders["5101"].Fulfillments, Is.Empty, "nothing fulfilled");
    }

    [Test]
    public async Task One_paid_unit_releases_one_book_however_many_the_line_names()
    {
        var first = (await StartBookAsync("Una", "7011")).GetProperty("id").GetGuid();
        var second = (await StartBookAsync("Duo", "7012")).GetProperty("id").GetGuid();
        var third = (await StartBookAsync("Tres", "7013")).GetProperty("id").GetGuid();
        foreach (var id in new[] { first, second, third })
            Assert.That(
                (await WaitForAsync(id, s => s.Status == StoryStatus.Preview)).Status,
                Is.EqualTo(StoryStatus.Preview)
            );

        // The attack: one unit of the book product whose line carries two _story_id properties.
        var one = new
        {
            id = 5301,
            customer = new { id = 7011 },
            line_items = new[]
            {
                new
                {
                    id = 81,
                    product_id = 900L,
                    price = "24.99",
                    quantity = 1,
                    properties = new[]
                    {
                        new { name = "_story_id", value = first.ToString() },
                        new { name = "_story_id", value = second.ToString() },
                    },
                },
            },
        };
        Assert.That((await _http.SendAsync(Webhook("orders/paid", one))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var refused = await WaitForAsync(second, s => s.FailureReason is not null);
        Assert.That(
            (refused.Status, refused.Released),
            Is.EqualTo((StoryStatus.Preview, false)),
            "the second book named on a one-unit line stays a preview"
        );
        Assert.That(refused.FailureReason, Does.Contain("paid for 1 book(s)"));
        Assert.That((await WaitForAsync(first, s => s.Released)).Released, Is.True, "the first one named is paid for");

        // Two units pay for two books.
        var two = new
        {
            id = 5302,
            customer = new { id = 7012 },
            line_items = new[]
            {
                new
                {
                    id = 82,
                    product_id = 900L,
                    price = "24.99",
                    quantity = 2,
                    properties = new[]
                    {
                        new { name = "_story_id", value = second.ToString() },
                        new { name = "_story_id", value = third.ToString() },
                    },
                },
            },
        };
        Assert.That((await _http.SendAsync(Webhook("orders/paid", two))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await WaitForAsync(second, s => s.Released)).Released, Is.True);
        Assert.That((await WaitForAsync(third, s => s.Released)).Released, Is.True);
        await using var db = _h.App.Db();
        Assert.That(
            await db.Deliveries.Where(d => d.OrderId == "5301").Select(d => d.StoryId).ToListAsync(),
            Is.EqualTo(new[] { first }),
            "one delivery for the one unit"
        );
    }
}
