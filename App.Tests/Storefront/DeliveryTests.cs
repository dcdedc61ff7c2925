using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Data;
using StorybookShop.Storefront;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Storefront;

/// <summary>
/// A paid book reaches its buyer under Shopify's limits, on the fake that holds every request to Shopify's
/// published schema and cost rules: orders split over many fulfillment orders and lines, a fulfillment Shopify
/// refuses (shown on the story, retried by the merchant), one that keeps failing (shown after the last attempt,
/// requeued from the dashboard), and a node that could only send a relative link refuses to start.
/// </summary>
public sealed class DeliveryTests
{
    private ShopifyHarness _h = null!;
    private FakeShopifyCatalog _catalog = null!;
    private string _shop = "";
    private const string BookProduct = "900";

    [OneTimeSetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync(
            "delivery",
            new()
            {
                ["Pipeline:Roles"] = "web,worker",
                ["Api:DevEndpoints"] = "false",
                ["Delivery:PublicBaseUrl"] = "https://books.example.com/",
            }
        );
        _catalog = new FakeShopifyCatalog(_h.Shopify);
        _h.Shopify.Answer = _catalog.Answer;
        (_shop, _) = await _h.InstalledShopAsync();
        using var api = Api();
        var settings = await api.PutAsJsonAsync("/api/settings", new { bookProductIds = new[] { BookProduct } });
        Assert.That(settings.StatusCode, Is.EqualTo(HttpStatusCode.OK), await settings.Content.ReadAsStringAsync());
    }

    [OneTimeTearDown]
    public async Task Stop() => await _h.DisposeAsync();

    private HttpClient Api()
    {
        var http = _h.App.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer",
            ShopifyKit.SessionToken(_shop)
        );
        return http;
    }

    private async Task<Story> CompleteStoryAsync(string child)
    {
        using var api = Api();
        var response = await api.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = child,
                ageGroup = "0-3",
                genre = "ocean",
            }
        );
        var story = await _h.App.WaitForStoryAsync(
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(),
            TimeSpan.FromMinutes(2)
        );
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);
        return story;
    }

    /// <summary>Shopify's orders/paid for the order's lines; the book's line carries <c>_story_id</c>.</summary>
    private async Task PayAsync(FakeShopifyCatalog.Order order, Guid story, string bookLine)
    {
        var body = JsonSerializer.Serialize(
            new
            {
                id = long.Parse(order.Id, System.Globalization.CultureInfo.InvariantCulture),
                customer = new { id = 7001 },
                line_items = order
                    .Lines.Select(l =>
                        l.LineItemId == bookLine
                            ? (object)
                                new
                                {
                                    id = long.Parse(l.LineItemId, System.Globalization.CultureInfo.InvariantCulture),
                                    product_id = 900L,
                                    price = "24.99",
                                    properties = new[] { new { name = "_story_id", value = story.ToString() } },
                                }
                            : new
                            {
                                id = long.Parse(l.LineItemId, System.Globalization.CultureInfo.InvariantCulture),
                                product_id = 901L,
                                price = "9.99",
                                properties = Array.Empty<object>(),
                            }
                    )
                    .ToArray(),
            }
        );
        using var http = _h.App.CreateClient();
        Assert.That(
            (await http.SendAsync(ShopifyKit.Webhook("orders/paid", _shop, body))).StatusCode,
            Is.EqualTo(HttpStatusCode.OK)
        );
    }

    private async Task<Delivery> WaitForDeliveryAsync(Guid story, Func<Delivery, bool> done)
    {
        var until = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            await using var db = _h.App.Db();
            var found = await db.Deliveries.AsNoTracking().SingleOrDefaultAsync(d => d.StoryId == story);
            if ((found is not null && done(found)) || DateTime.UtcNow > until)
                return found ?? throw new AssertionException("no delivery was made");
            await Task.Delay(200);
        }
    }

    private static FakeShopifyCatalog.Order Order(
        string id,
        string bookLine,
        int fulfillmentOrders,
        int linesInLast,
        int bookPosition
    )
    {
        var order = new FakeShopifyCatalog.Order { Id = id };
        var next = 1;
        for (var fo = 1; fo < fulfillmentOrders; fo++)
        {
            var line = $"{id}{next++:D3}";
            order.Lines.Add((line, new Dictionary<string, string>(), 1));
            order.FulfillmentOrderOf[line] = fo;
        }
        for (var i = 1; i <= linesInLast; i++)
        {
            var line = i == bookPosition ? bookLine : $"{id}{next++:D3}";
            order.Lines.Add((line, new Dictionary<string, string>(), 1));
            order.FulfillmentOrderOf[line] = fulfillmentOrders;
        }
        return order;
    }

    [Test]
    public async Task An_order_paged_over_fulfillment_orders_and_lines_gets_only_the_books_line_fulfilled()
    {
        var story = await CompleteStoryAsync("Noor");
        // Seven fulfillment orders (two pages of five), the last with 30 lines (two pages of twenty): the book's line
        // is the 27th of the last.
        var order = _catalog.Orders["8101"] = Order(
            "8101",
            "81999",
            fulfillmentOrders: 7,
            linesInLast: 30,
            bookPosition: 27
        );
        await PayAsync(order, story.Id, "81999");

        var delivery = await WaitForDeliveryAsync(story.Id, d => d.FulfillmentId is not null);
        Assert.That(delivery.FulfillmentId, Does.StartWith("gid://shopify/Fulfillment/"), delivery.FailureReason);
        var fulfillment = order.Fulfillments.Single()["fulfillment"]!;
        var groups = fulfillment["lineItemsByFulfillmentOrder"]!.AsArray();
        Assert.That(
            groups.Select(g => g!["fulfillmentOrderId"]!.GetValue<string>()),
            Is.EqualTo(new[] { order.FulfillmentOrderId(7) })
        );
        Assert.That(
            groups[0]!["fulfillmentOrderLineItems"]!
                .AsArray()
                .Select(l => (l!["id"]!.GetValue<string>(), l["quantity"]!.GetValue<int>())),
            Is.EqualTo(new[] { ("gid://shopify/FulfillmentOrderLineItem/81999", 1) }),
            "only the book's line"
        );
        Assert.That(
            fulfillment["trackingInfo"]!["url"]!.GetValue<string>(),
            Is.EqualTo($"https://books.example.com/downloads/{delivery.Token}"),
            "an absolute link"
        );
        Assert.That(order.Lines.Where(l => l.LineItemId != "81999").All(l => l.Remaining == 1), "nothing else touched");

        var calls = _h
            .Shopify.GraphQLCalls.Where(c =>
                c.Variables?.ToJsonString().Contains("8101", StringComparison.Ordinal) == true
            )
            .ToList();
        Assert.That(calls.Count(c => c.RootFields.Contains("order")), Is.EqualTo(2), "two pages of fulfillment orders");
        Assert.That(
            calls.Count(c => c.RootFields.Contains("fulfillmentOrder")),
            Is.EqualTo(1),
            "one more page of the last fulfillment order's lines"
        );
        Assert.That(calls.Max(c => c.RequestedCost), Is.LessThan(ShopifyContract.MaxQueryCost));
    }

    [Test]
    public async Task An_order_with_the_book_and_another_product_in_two_fulfillment_orders_fulfils_only_the_book()
    {
        var story = await CompleteStoryAsync("Ines");
        var order = _catalog.Orders["8201"] = new FakeShopifyCatalog.Order { Id = "8201" };
        order.Lines.Add(("82001", new Dictionary<string, string>(), 1)); // a plush, shipped from a warehouse
        order.Lines.Add(("82002", new Dictionary<string, string> { ["_story_id"] = story.Id.ToString() }, 1));
        order.FulfillmentOrderOf["82002"] = 2;
        await PayAsync(order, story.Id, "82002");

        var delivery = await WaitForDeliveryAsync(story.Id, d => d.FulfillmentId is not null);
        Assert.That(delivery.FulfillmentId, Is.Not.Null, delivery.FailureReason);
        Assert.That(
            order.Lines.Select(l => (l.LineItemId, l.Remaining)),
            Is.EqualTo(new[] { ("82001", 1), ("82002", 0) })
        );
        Assert.That(order.Fulfillments, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Auto_fulfilled_orders_get_the_link_on_shopifys_own_fulfillment_and_the_buyer_is_told_once()
    {
        var story = await CompleteStoryAsync("Yara");
        var order = _catalog.Orders["8401"] = new FakeShopifyCatalog.Order { Id = "8401" };
        order.Lines.Add(("84001", new Dictionary<string, string> { ["_story_id"] = story.Id.ToString() }, 1));
        var shopifys = _catalog.FulfilAutomatically(order); // at payment, before the app hears of the order
        await PayAsync(order, story.Id, "84001");

        var delivery = await WaitForDeliveryAsync(story.Id, d => d.FulfillmentId is not null);
        Assert.That(delivery.FulfillmentId, Is.EqualTo(shopifys.Id), delivery.FailureReason);
        Assert.That(
            shopifys.TrackingUrls,
            Is.EqualTo(new[] { $"https://books.example.com/downloads/{delivery.Token}" })
        );
        Assert.That(shopifys.Notifications, Is.EqualTo(1), "the buyer gets Shopify's shipping update with the link");
        Assert.That(order.Fulfillments, Is.Empty, "no second fulfillment");

        // The delivery job again (a retry, a node that died after Shopify answered): the buyer is not told twice.
        await using (var db = _h.App.Db())
            await db
                .Deliveries.Where(d => d.Id == delivery.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.FulfillmentId, (string?)null));
        var job = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<DeliverJob>(
            _h.App.Services
        );
        await job.RunAsync(story.Id, CancellationToken.None);
        Assert.That(shopifys.Notifications, Is.EqualTo(1));
        Assert.That(
            (await WaitForDeliveryAsync(story.Id, d => d.FulfillmentId is not null)).FulfillmentId,
            Is.EqualTo(shopifys.Id)
        );
    }

    [Test]
    public async Task A_fulfillment_shopify_refuses_is_not_retried_shows_on_the_story_and_the_merchant_retries_it()
    {
        var story = await CompleteStoryAsync("Omar");
        var order = _catalog.Orders["8301"] = new FakeShopifyCatalog.Order { Id = "8301" };
        order.Lines.Add(("83001", new Dictionary<string, string>(), 1));
        _catalog.RefuseFulfillments = "The fulfillment order is on hold.";
        await PayAsync(order, story.Id, "83001");

        var failed = await WaitForDeliveryAsync(story.Id, d => d.FailureReason is not null);
        Assert.That(
            failed.FailureReason,
            Does.StartWith("Shopify refused the fulfillment: ").And.Contain("The fulfillment order is on hold.")
        );
        var states = await _h.App.WaitForJobsSettledAsync(story.Id, TimeSpan.FromMinutes(1));
        Assert.That(states[^1], Is.EqualTo("Succeeded"), "the job ended at once: Shopify would answer the same");
        Assert.That(
            _h.Shopify.GraphQLCalls.Count(c =>
                c.RootFields.Contains("fulfillmentCreate")
                && c.Variables!.ToJsonString().Contains("8301", StringComparison.Ordinal)
            ),
            Is.EqualTo(1),
            "asked once, not retried"
        );

        // The merchant sees it on the story page, with Retry delivery.
        using var browser = _h.App.CreateClient();
        var page = await browser.GetStringAsync(ShopifyKit.AdminUrl($"/stories/{story.Id}", _shop));
        Assert.That(
            WebUtility.HtmlDecode(page),
            Does.Contain("Shopify refused the fulfillment")
                .And.Contain("The fulfillment order is on hold.")
                .And.Contain("id=\"retry-delivery\"")
        );

        _catalog.RefuseFulfillments = null; // the merchant released the hold in Shopify
        using var api = Api();
        var retry = await api.PostAsJsonAsync($"/api/stories/{story.Id}/deliver", new { });
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await retry.Content.ReadAsStringAsync());
        var delivered = await WaitForDeliveryAsync(story.Id, d => d.FulfillmentId is not null);
        Assert.That(
            (delivered.FulfillmentId is not null, delivered.FailureReason, delivered.FailedAt),
            Is.EqualTo((true, (string?)null, (DateTimeOffset?)null))
        );
        page = await browser.GetStringAsync(ShopifyKit.AdminUrl($"/stories/{story.Id}", _shop));
        Assert.That(page, Does.Contain("badge delivered").And.Not.Contain("id=\"retry-delivery\""));
        var again = await api.PostAsJsonAsync($"/api/stories/{story.Id}/deliver", new { });
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "nothing left to deliver");
    }

    [Test]
    public async Task A_delivery_that_keeps_failing_says_so_after_the_last_attempt_and_a_requeue_delivers_it()
    {
        var story = await CompleteStoryAsync("Lena");
        var order = _catalog.Orders["8401"] = new FakeShopifyCatalog.Order { Id = "8401" };
        order.Lines.Add(("84001", new Dictionary<string, string>(), 1));
        // Shopify down for every attempt (the first and two retries in the tests' settings).
        for (var i = 0; i < 3; i++)
            _h.Shopify.FailNext.Enqueue(503);
        await PayAsync(order, story.Id, "84001");

        var failed = await WaitForDeliveryAsync(story.Id, d => d.FailureReason is not null);
        Assert.That(failed.FailureReason, Is.EqualTo("Delivery failed after 3 attempt(s): Shopify answered 503."));
        var states = await _h.App.WaitForJobsSettledAsync(story.Id, TimeSpan.FromMinutes(1));
        Assert.That(states[^1], Is.EqualTo("Failed"));

        // Requeue, as the dashboard's button does.
        long jobId;
        await using (var db = _h.App.Db())
            jobId = await db
                .Database.SqlQuery<long>(
                    $"""
                    SELECT job_id AS "Value" FROM story_jobs WHERE story_id = {story.Id} AND kind = 'Deliver'
                    ORDER BY job_id DESC LIMIT 1
                    """
                )
                .SingleAsync();
        Assert.That(
            _h.App.Services.GetRequiredService<IBackgroundJobClient>()
                .Requeue(jobId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Is.True
        );
        var delivered = await WaitForDeliveryAsync(story.Id, d => d.FulfillmentId is not null);
        Assert.That((delivered.FulfillmentId is not null, delivered.FailureReason), Is.EqualTo((true, (string?)null)));
    }
}
