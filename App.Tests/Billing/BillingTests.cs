using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Billing;
using StorybookShop.Data;
using StorybookShop.Storefront;
using StorybookShop.Stories;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Billing;

/// <summary>
/// The merchant pays for the app through Shopify's Billing API, on the fake Shopify that holds every document and
/// variable to the published 2026-10 schema and answers as shopify.dev documents billing (confirmation, approval,
/// usage records capped and deduplicated by idempotency key). A small plan — 2 books included, 2.50 USD each after,
/// a 6.00 USD cap, 12 previews — makes every edge reachable in a few books.
/// </summary>
public sealed class BillingTests
{
    private ShopifyHarness _h = null!;
    private FakeShopifyCatalog _catalog = null!;
    private FakeShopifyBilling Billing => _catalog.Billing;

    [OneTimeSetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync(
            "billing",
            new()
            {
                ["Pipeline:Roles"] = "web,worker",
                ["Billing:Enforce"] = "true",
                ["Billing:Plans:0:IncludedBooks"] = "2",
                ["Billing:Plans:0:PricePerBook"] = "2.50",
                ["Billing:Plans:0:CappedAmount"] = "6.00",
                ["Billing:Plans:0:PreviewAllowance"] = "12",
            }
        );
        _catalog = new FakeShopifyCatalog(_h.Shopify);
        _h.Shopify.Answer = _catalog.Answer;
    }

    [OneTimeTearDown]
    public async Task Stop() => await _h.DisposeAsync();

    [Test]
    public async Task A_development_store_picks_a_plan_approves_it_and_then_takes_books()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        Billing.DevelopmentStores[shop] = true;
        using var api = Api(shop);

        var refused = await CreateAsync(api);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired), "no plan, no book");
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("reason").GetString(), Is.EqualTo("NoPlan"));
        Assert.That(problem.GetProperty("type").GetString(), Is.EqualTo("/plan"));
        var page = await api.GetStringAsync(ShopifyKit.AdminUrl("/plan", shop));
        Assert.That(page, Does.Contain("id=\"no-plan\"").And.Contain("Choose Storybook Starter"));
        var home = await api.GetStringAsync(ShopifyKit.AdminUrl("/", shop));
        Assert.That(home, Does.Contain("Not taking new books:</strong> No plan is active").And.Contain("/plan?shop="));

        var url = await ChooseAsync(api, "starter");
        var sub = Billing.Subscriptions[FakeShopifyBilling.IdOf(url)];
        Assert.Multiple(() =>
        {
            Assert.That(
                url,
                Does.StartWith(_h.Shopify.ShopUrlTemplate.Replace("{shop}", shop)).And.Contains("/admin/charges/")
            );
            Assert.That(
                (sub.Name, sub.Status, sub.Test, sub.TrialDays),
                Is.EqualTo(("Storybook Starter", "PENDING", true, 7))
            );
            Assert.That((sub.RecurringPrice, sub.CappedAmount, sub.Currency), Is.EqualTo((19.00m, 6.00m, "USD")));
            Assert.That(sub.Terms, Does.Contain("2 books a month included").And.Contain("2.50 USD per book"));
            Assert.That(
                sub.ReturnUrl,
                Is.EqualTo(
                    $"https://admin.shopify.com/store/{shop.Replace(".myshopify.com", "")}/apps/storybookshop/plan"
                )
            );
        });
        Assert.That(
            (await CreateAsync(api)).StatusCode,
            Is.EqualTo(HttpStatusCode.PaymentRequired),
            "not approved yet"
        );

        var back = Billing.Approve(sub.Id);
        var returned = await api.GetStringAsync(ShopifyKit.AdminUrl("/plan", shop, new Uri(back).Query.TrimStart('?')));
        Assert.That(returned, Does.Contain("Approved: Storybook Starter is active"));
        Assert.That(returned, Does.Contain("Current plan").And.Contain("test charges"));
        Assert.That(
            (await CreateAsync(api)).StatusCode,
            Is.EqualTo(HttpStatusCode.Accepted),
            "approved: books are made"
        );
        await using var db = _h.App.Db();
        var shopId = await ShopIdAsync(shop);
        var row = await db.Subscriptions.SingleAsync(s => s.ShopId == shopId);
        Assert.That(
            (row.Status, row.PlanHandle, row.UsageLineItemId),
            Is.EqualTo(("ACTIVE", "starter", sub.UsageLineId))
        );
    }

    [Test]
    public async Task A_live_store_gets_real_charges_and_a_declined_plan_leaves_the_shop_closed_and_says_so()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using var api = Api(shop);
        var url = await ChooseAsync(api, "studio");
        var sub = Billing.Subscriptions[FakeShopifyBilling.IdOf(url)];
        Assert.That(sub.Test, Is.False, "a store that is not a development store is charged for real");

        var back = Billing.Decline(sub.Id);
        var page = await api.GetStringAsync(ShopifyKit.AdminUrl("/plan", shop, new Uri(back).Query.TrimStart('?')));
        Assert.That(page, Does.Contain("You declined the plan"));
        var refused = await CreateAsync(api);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));

        var unknown = await api.PostAsJsonAsync("/api/billing/subscription", new { plan = "platinum" });
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var errors = (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.That(errors.GetProperty("plan")[0].GetString(), Does.Contain("starter, studio"));
    }

    [Test]
    public async Task Books_beyond_the_included_are_charged_once_each_through_replays_retries_and_two_nodes()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using var api = Api(shop);
        var sub = await ActivePlanAsync(api, shop);

        // One order, three books: two included, the third one usage charge.
        var books = await PreviewsAsync(shop, 3);
        var order = Order(9101, books);
        await PayAsync(shop, order);
        await PayAsync(shop, order); // Shopify delivers the webhook again (another event)
        await WaitForAsync(() => sub.Records.Count == 1 && ChargesAsync(shop).Result.All(c => c.Status != "Pending"));
        var charges = await ChargesAsync(shop);
        Assert.That(
            charges.Select(c => (c.Sequence, c.Status, c.Amount)),
            Is.EqualTo(new[] { (1, "Included", 0m), (2, "Included", 0m), (3, "Charged", 2.50m) })
        );
        Assert.That(sub.Records.Single().Key, Is.EqualTo(BookCharges.IdempotencyKey(books[2], "9101", "91012")));

        // A node that charged at Shopify and died before saving: the retried job sends the same key, charged once.
        var shopId = await ShopIdAsync(shop);
        await using (var db = _h.App.Db())
            await db
                .BookCharges.Where(c => c.Status == "Charged" && c.ShopId == shopId)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, "Pending"));
        var job = ActivatorUtilities.CreateInstance<ChargeBooksJob>(_h.App.Services);
        await Task.WhenAll(job.RunAsync(shopId, default), job.RunAsync(shopId, default)); // and on two nodes
        Assert.That(Billing.UsageCalls.Count, Is.GreaterThanOrEqualTo(2), "the key was sent again");
        Assert.That((sub.Records.Count, sub.BalanceUsed), Is.EqualTo((1, 2.50m)), "Shopify charged it once");
        Assert.That((await ChargesAsync(shop)).Count(c => c.Status == "Charged"), Is.EqualTo(1));

        // Two nodes release the same paid line at once: one charge row.
        var fourth = await PreviewsAsync(shop, 1);
        var release = _h.App.Services.GetRequiredService<StoryRelease>();
        PaidStory[] paid = [new(shop, fourth[0], "9102", "91020", "7001")];
        await Task.WhenAll(release.PaidAsync(paid, default), release.PaidAsync(paid, default));
        await WaitForAsync(() => sub.Records.Count == 2);
        Assert.That((await ChargesAsync(shop)).Count(c => c.OrderId == "9102"), Is.EqualTo(1));
        Assert.That(sub.BalanceUsed, Is.EqualTo(5.00m));
    }

    [Test]
    public async Task At_the_cap_the_book_waits_the_shop_closes_and_a_higher_cap_approved_charges_it()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using var api = Api(shop);
        var sub = await ActivePlanAsync(api, shop);
        var books = await PreviewsAsync(shop, 5); // 2 included, 2 × 2.50 = 5.00 under the 6.00 cap, the 5th over it
        await PayAsync(shop, Order(9201, books));
        await WaitForAsync(() => ChargesAsync(shop).Result.Count(c => c.Status is "Charged" or "WaitingForCap") == 3);
        var charges = await ChargesAsync(shop);
        Assert.That(charges[^1].Status, Is.EqualTo("WaitingForCap"));
        Assert.That(charges[^1].Error, Is.EqualTo("Total price exceeds balance remaining"));
        Assert.That((sub.Records.Count, sub.BalanceUsed), Is.EqualTo((2, 5.00m)), "nothing charged past the cap");
        await using (var db = _h.App.Db())
            Assert.That(
                await db.Stories.CountAsync(s => books.Contains(s.Id) && s.Released),
                Is.EqualTo(5),
                "every paid book is released, the cap or not"
            );

        var refused = await CreateAsync(api);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
        Assert.That(
            (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString(),
            Is.EqualTo("CapReached")
        );
        var page = await api.GetStringAsync(ShopifyKit.AdminUrl("/plan", shop));
        Assert.That(page, Does.Contain("1 book charge(s) wait for a higher cap").And.Contain("id=\"raise-cap\""));

        var lower = await api.PostAsJsonAsync("/api/billing/cap", new { cappedAmount = 5 });
        Assert.That(lower.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "a cap must go up");
        var raise = await api.PostAsJsonAsync("/api/billing/cap", new { cappedAmount = 50 });
        Assert.That(raise.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var confirm = (await raise.Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("confirmationUrl")
            .GetString()!;
        Assert.That(confirm, Does.Contain($"/admin/charges/{sub.Id}/"));
        Assert.That(sub.RequestedCap, Is.EqualTo(50m));

        Billing.ApproveCap(sub.Id);
        await WebhookAsync(shop, "app_subscriptions/update", sub, "ACTIVE");
        // Shopify records the charge before the app hears back and marks its row: wait for both.
        await WaitForAsync(() => sub.Records.Count == 3 && ChargesAsync(shop).Result[^1].Status == "Charged");
        Assert.That(sub.BalanceUsed, Is.EqualTo(7.50m));
        Assert.That((await ChargesAsync(shop))[^1].Status, Is.EqualTo("Charged"));
        Assert.That((await CreateAsync(api)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "open again");
    }

    [Test]
    public async Task Previews_count_against_the_allowance_and_are_not_charged()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using var api = Api(shop);
        var sub = await ActivePlanAsync(api, shop);
        await PreviewsAsync(shop, 12);
        var refused = await CreateAsync(api);
        Assert.That(
            (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString(),
            Is.EqualTo("PreviewAllowance")
        );
        Assert.That(sub.Records, Is.Empty);

        // The shopper is told kindly, in their language, and nothing about the merchant's plan.
        using var http = _h.App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, ShopifyKit.ProxyUrl("/proxy/stories", shop))
        {
            Content = JsonContent.Create(
                new
                {
                    childName = "Ada",
                    ageGroup = "3-5",
                    genre = "space",
                    language = "es",
                }
            ),
        };
        request.Headers.Add("Accept-Language", "es");
        var shopper = await http.SendAsync(request);
        var body = await shopper.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(shopper.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(
            body.GetProperty("title").GetString(),
            Is.EqualTo("Esta tienda no acepta nuevos libros en este momento.")
        );
        Assert.That(body.ToString(), Does.Not.Contain("preview").IgnoreCase.And.Not.Contain("plan").IgnoreCase);
    }

    [Test]
    public async Task Frozen_and_cancelled_subscriptions_close_the_shop_through_their_webhooks()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using var api = Api(shop);
        var sub = await ActivePlanAsync(api, shop);
        Billing.Freeze(sub.Id);
        await WebhookAsync(shop, "app_subscriptions/update", sub, "FROZEN");
        Assert.That(await ReasonAsync(api), Is.EqualTo("Frozen"));

        Billing.Cancel(sub.Id);
        await WebhookAsync(shop, "app_subscriptions/update", sub, "CANCELLED");
        Assert.That(await ReasonAsync(api), Is.EqualTo("NoPlan"));
        var shopId = await ShopIdAsync(shop);
        await using var db = _h.App.Db();
        Assert.That((await db.Subscriptions.SingleAsync(s => s.ShopId == shopId)).Status, Is.EqualTo("CANCELLED"));
    }

    [Test]
    public async Task A_lost_webhook_is_caught_by_the_next_admin_load()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using var api = Api(shop);
        var sub = await ActivePlanAsync(api, shop);
        Billing.Cancel(sub.Id); // Shopify cancelled it; the webhook never arrives
        await api.GetStringAsync(ShopifyKit.AdminUrl("/plan", shop));
        Assert.That(await ReasonAsync(api), Is.EqualTo("NoPlan"));
    }

    [Test]
    public async Task Uninstall_ends_the_plan_at_once_and_a_reinstall_starts_without_one()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using var api = Api(shop);
        var sub = await ActivePlanAsync(api, shop);
        Billing.Cancel(sub.Id); // what Shopify does to the app's subscription on uninstall
        using var http = _h.App.CreateClient();
        var gone = await http.SendAsync(
            ShopifyKit.Webhook("app/uninstalled", shop, JsonSerializer.Serialize(new { domain = shop }))
        );
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var shopId = await ShopIdAsync(shop);
        await WaitForAsync(() =>
        {
            using var db = _h.App.Db();
            return !db.Subscriptions.Any(s => s.ShopId == shopId);
        });

        // Reinstalled: new tokens, and no plan until one is chosen again.
        var (access, refresh) = _h.Shopify.IssueTokens(shop);
        var protector = _h.App.Services.GetRequiredService<StorybookShop.Shopify.TokenProtector>();
        await using (var db = _h.App.Db())
            await db
                .Shops.Where(s => s.Domain == shop)
                .ExecuteUpdateAsync(u =>
                    u.SetProperty(s => s.AccessToken, protector.Protect(access))
                        .SetProperty(s => s.AccessTokenExpiresAt, DateTimeOffset.UtcNow.AddHours(1))
                        .SetProperty(s => s.RefreshToken, protector.Protect(refresh))
                        .SetProperty(s => s.UninstalledAt, (DateTimeOffset?)null)
                );
        Assert.That(await ReasonAsync(api), Is.EqualTo("NoPlan"));
    }

    [Test]
    public async Task The_fake_refuses_what_shopifys_billing_refuses()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using var api = Api(shop);
        var sub = await ActivePlanAsync(api, shop);
        var graphql = _h.App.Services.GetRequiredService<StorybookShop.Shopify.ShopifyGraphQL>();
        async Task<string> Refusal(string mutation, string field, object variables)
        {
            var e = await Assert.ThrowsAsync<StorybookShop.Shopify.ShopifyUserErrorsException>(() =>
                graphql.MutateAsync(shop, mutation, field, variables)
            );
            return e!.Errors[0].Message;
        }
        var money = new { amount = "2.50", currencyCode = "EUR" };
        Assert.That(
            await Refusal(
                ShopifyBilling.UsageRecord,
                "appUsageRecordCreate",
                new
                {
                    subscriptionLineItemId = sub.UsageLineId,
                    price = money,
                    description = "x",
                    idempotencyKey = "k",
                }
            ),
            Does.Contain("Currency")
        );
        Assert.That(
            await Refusal(
                ShopifyBilling.UsageRecord,
                "appUsageRecordCreate",
                new
                {
                    subscriptionLineItemId = sub.RecurringLineId,
                    price = money with
                    {
                        currencyCode = "USD",
                    },
                    description = "x",
                    idempotencyKey = "k",
                }
            ),
            Does.Contain("not found"),
            "the recurring line takes no usage records"
        );
        Assert.That(
            await Refusal(
                ShopifyBilling.RaiseCap,
                "appSubscriptionLineItemUpdate",
                new { id = sub.UsageLineId, cappedAmount = new { amount = "1.00", currencyCode = "USD" } }
            ),
            Does.Contain("greater than the existing")
        );
        // A document the schema refuses never reaches an answer.
        var invalid = await Assert.ThrowsAsync<StorybookShop.Shopify.ShopifyGraphQLException>(() =>
            graphql.MutateAsync(
                shop,
                ShopifyBilling.UsageRecord,
                "appUsageRecordCreate",
                new
                {
                    subscriptionLineItemId = sub.UsageLineId,
                    price = new { amount = "2.50" },
                    description = "x",
                }
            )
        );
        Assert.That(invalid!.Message, Does.Contain("currencyCode"));
        Assert.That(ShopifyContract.Expect(ShopifyContract.ViolationKind.Refused), Has.Count.EqualTo(1));
    }

    private HttpClient Api(string shop)
    {
        var api = _h.App.CreateClient();
        api.DefaultRequestHeaders.Authorization = new("Bearer", ShopifyKit.SessionToken(shop));
        return api;
    }

    private static Task<HttpResponseMessage> CreateAsync(HttpClient api) =>
        api.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = "Mia",
                ageGroup = "3-5",
                genre = "space",
            }
        );

    private static async Task<string?> ReasonAsync(HttpClient api)
    {
        var response = await CreateAsync(api);
        return response.StatusCode == HttpStatusCode.Accepted
            ? null
            : (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString();
    }

    private static async Task<string> ChooseAsync(HttpClient api, string plan)
    {
        var response = await api.PostAsJsonAsync("/api/billing/subscription", new { plan });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        return body.GetProperty("confirmationUrl").GetString()!;
    }

    /// <summary>The starter plan chosen, approved, and back on the Plan page.</summary>
    private async Task<FakeShopifyBilling.Subscription> ActivePlanAsync(HttpClient api, string shop)
    {
        var sub = Billing.Subscriptions[FakeShopifyBilling.IdOf(await ChooseAsync(api, "starter"))];
        var back = Billing.Approve(sub.Id);
        await api.GetStringAsync(ShopifyKit.AdminUrl("/plan", shop, new Uri(back).Query.TrimStart('?')));
        return sub;
    }

    private async Task<List<Guid>> PreviewsAsync(string shop, int count)
    {
        await using var db = _h.App.Db();
        var shopId = await db.Shops.Where(s => s.Domain == shop).Select(s => s.Id).SingleAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var story = StoryCreation.NewStory(
                new PersonalizationRequest("Mia", "3-5", "space", "en", null, []),
                shopId,
                DateTimeOffset.UtcNow
            );
            story.Released = false;
            story.Status = StoryStatus.Preview;
            db.Stories.Add(story);
            ids.Add(story.Id);
        }
        await db.SaveChangesAsync();
        return ids;
    }

    /// <summary>An order of the shop's book product with one line per book (line ids order id × 10 + n).</summary>
    private object Order(long orderId, IReadOnlyList<Guid> books) =>
        new
        {
            id = orderId,
            customer = new { id = 7001 },
            line_items = books
                .Select(
                    (b, n) =>
                        new
                        {
                            id = (orderId * 10) + n,
                            product_id = 4242,
                            quantity = 1,
                            price = "19.99",
                            title = "Personalized storybook",
                            properties = new[] { new { name = "_story_id", value = b.ToString() } },
                        }
                )
                .ToArray(),
        };

    private async Task PayAsync(string shop, object order)
    {
        await using (var db = _h.App.Db())
        {
            var row = await db.Shops.SingleAsync(s => s.Domain == shop);
            row.Settings = row.Settings with { BookProductIds = ["4242"] };
            await db.SaveChangesAsync();
        }
        using var http = _h.App.CreateClient();
        var response = await http.SendAsync(ShopifyKit.Webhook("orders/paid", shop, JsonSerializer.Serialize(order)));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private async Task WebhookAsync(string shop, string topic, FakeShopifyBilling.Subscription sub, string status)
    {
        var payload = new
        {
            app_subscription = new
            {
                admin_graphql_api_id = sub.Gid,
                name = sub.Name,
                status,
                admin_graphql_api_shop_id = "gid://shopify/Shop/1",
                created_at = sub.CreatedAt,
                updated_at = DateTimeOffset.UtcNow,
                currency = sub.Currency,
                capped_amount = sub.CappedAmount?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
        using var http = _h.App.CreateClient();
        var response = await http.SendAsync(ShopifyKit.Webhook(topic, shop, JsonSerializer.Serialize(payload)));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Task.Delay(1500); // the dispatcher's poll
    }

    private async Task<List<BookCharge>> ChargesAsync(string shop)
    {
        var shopId = await ShopIdAsync(shop);
        await using var db = _h.App.Db();
        return await db
            .BookCharges.AsNoTracking()
            .Where(c => c.ShopId == shopId)
            .OrderBy(c => c.Sequence)
            .ToListAsync();
    }

    private async Task<Guid> ShopIdAsync(string shop)
    {
        await using var db = _h.App.Db();
        return await db.Shops.Where(s => s.Domain == shop).Select(s => s.Id).SingleAsync();
    }

    private static async Task WaitForAsync(Func<bool> done)
    {
        for (var i = 0; i < 150 && !done(); i++)
            await Task.Delay(100);
        Assert.That(done(), Is.True, "waited 15 s");
    }
}
