using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using StorybookShop.Data;
using StorybookShop.Experiments;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Experiments;

/// <summary>
/// A text-model experiment end to end with no provider keys: two offline story arcs as arms, books from the storefront
/// split between them by story id, one paid for through orders/paid, the numbers per arm in the API and on the admin
/// page (real Chromium), then stopped with a chosen arm that every new story gets.
/// </summary>
public sealed class ExperimentTests
{
    private ShopifyHarness _h = null!;
    private FakeShopifyCatalog _catalog = null!;
    private BrowserKit _kit = null!;
    private HttpClient _api = null!;
    private string _shop = "";
    private const string BookProduct = "900";

    [OneTimeSetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync(
            "experiments",
            new()
            {
                ["Pipeline:Roles"] = "web,worker",
                ["Api:DevEndpoints"] = "false",
                ["Storefront:StoriesPerClientPerMinute"] = "60",
                ["Storefront:StoriesPerShopPerMinute"] = "60",
            }
        );
        _kit = await BrowserKit.StartAsync(_h.App);
        _catalog = new FakeShopifyCatalog(_h.Shopify);
        _h.Shopify.Answer = _catalog.Answer;
        (_shop, _) = await _h.InstalledShopAsync();
        _api = _h.App.CreateClient();
        _api.DefaultRequestHeaders.Authorization = new("Bearer", ShopifyKit.SessionToken(_shop));
        var settings = await _api.PutAsJsonAsync("/api/settings", new { bookProductIds = new[] { BookProduct } });
        Assert.That(settings.StatusCode, Is.EqualTo(HttpStatusCode.OK), await settings.Content.ReadAsStringAsync());
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _api.Dispose();
        await _kit.DisposeAsync();
        await _h.DisposeAsync();
    }

    private static readonly object[] OfflineArms =
    [
        new
        {
            key = "quest",
            provider = "offline",
            model = "quest",
        },
        new
        {
            key = "rescue",
            provider = "offline",
            model = "rescue",
        },
    ];

    private async Task<Guid> StartOnStorefrontAsync(string child)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ShopifyKit.ProxyUrl("/proxy/stories", _shop))
        {
            Content = JsonContent.Create(
                new
                {
                    childName = child,
                    ageGroup = "3-5",
                    genre = "ocean",
                }
            ),
        };
        request.Headers.Add("X-Storybook-Shopper", Guid.NewGuid().ToString());
        var response = await _api.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), body.ToString());
        return body.GetProperty("id").GetGuid();
    }

    private async Task PayAsync(Guid story, string order)
    {
        _catalog.Orders[order] = new FakeShopifyCatalog.Order { Id = order };
        _catalog
            .Orders[order]
            .Lines.Add(("1" + order, new Dictionary<string, string> { ["_story_id"] = story.ToString() }, 1));
        var payload = new
        {
            id = long.Parse(order, System.Globalization.CultureInfo.InvariantCulture),
            customer = new { id = 7001 },
            line_items = new object[]
            {
                new
                {
                    id = long.Parse("1" + order, System.Globalization.CultureInfo.InvariantCulture),
                    product_id = long.Parse(BookProduct, System.Globalization.CultureInfo.InvariantCulture),
                    price = "24.99",
                    title = "Personalized storybook",
                    properties = new[] { new { name = "_story_id", value = story.ToString() } },
                },
            },
        };
        var response = await _api.SendAsync(
            ShopifyKit.Webhook("orders/paid", _shop, JsonSerializer.Serialize(payload))
        );
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await _h.App.WaitForStoryAsync(story, s => s.PaidAt is not null, TimeSpan.FromMinutes(2));
    }

    [Test]
    public async Task An_offline_experiment_splits_books_by_arm_measures_each_and_stops_on_the_chosen_one()
    {
        var created = await _api.PostAsJsonAsync(
            "/api/experiments",
            new { name = "Quest or rescue", arms = OfflineArms }
        );
        var experiment = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), experiment.ToString());
        var experimentId = experiment.GetProperty("id").GetGuid();
        Assert.That(experiment.GetProperty("status").GetString(), Is.EqualTo("running"));

        // One experiment at a time.
        var second = await _api.PostAsJsonAsync("/api/experiments", new { name = "Another", arms = OfflineArms });
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));

        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
            ids.Add(await StartOnStorefrontAsync($"Kid{(char)('a' + i)}"));
        var stories = new List<Story>();
        foreach (var id in ids)
            stories.Add(
                await _h.App.WaitForStoryAsync(id, s => s.Status == StoryStatus.Preview, TimeSpan.FromMinutes(2))
            );

        var arms = new List<ExperimentArm>
        {
            new("quest", "offline", "quest", null, 1),
            new("rescue", "offline", "rescue", null, 1),
        };
        await using (var db = _h.App.Db())
        {
            foreach (var story in stories)
            {
                // Assigned once, by the story id alone, and written by its arm's writer.
                Assert.That(
                    (story.ExperimentId, story.ExperimentArm),
                    Is.EqualTo(((Guid?)experimentId, ExperimentAssignment.Pick(story.Id, arms).Key))
                );
                var rows = await db.Generations.Where(g => g.StoryId == story.Id).ToListAsync();
                Assert.That(rows, Is.Not.Empty);
                Assert.That(
                    rows.Select(r => r.ExperimentArm),
                    Has.All.EqualTo(story.ExperimentArm),
                    "every ledger row"
                );
                Assert.That(
                    rows.Single(r => r.Type == GenerationType.Text).Model,
                    Is.EqualTo($"offline-arcs-v1/{story.ExperimentArm}")
                );
            }
        }

        // One book of the first story's arm is paid for.
        var paid = stories[0];
        await PayAsync(paid.Id, "8101");

        var view = await _api.GetFromJsonAsync<JsonElement>($"/api/experiments/{experimentId}");
        var byArm = view.GetProperty("arms").EnumerateArray().ToDictionary(a => a.GetProperty("key").GetString()!);
        foreach (var key in new[] { "quest", "rescue" })
        {
            var arm = byArm[key];
            var mine = stories.Count(s => s.ExperimentArm == key);
            Assert.That(arm.GetProperty("books").GetInt32(), Is.EqualTo(mine), key);
            Assert.That(arm.GetProperty("previews").GetInt32(), Is.EqualTo(mine), key);
            var paidHere = paid.ExperimentArm == key ? 1 : 0;
            Assert.That(arm.GetProperty("paid").GetInt32(), Is.EqualTo(paidHere), key);
            if (mine == 0)
                continue;
            var interval = ExperimentStats.Wilson(paidHere, mine);
            Assert.That(arm.GetProperty("conversionInterval").GetProperty("low").GetDouble(), Is.EqualTo(interval.Low));
            Assert.That(
                arm.GetProperty("conversionInterval").GetProperty("high").GetDouble(),
                Is.EqualTo(interval.High)
            );
            Assert.That(arm.GetProperty("textLatencyP50Ms").ValueKind, Is.EqualTo(JsonValueKind.Number));
            Assert.That(arm.GetProperty("wordsPerPageToTarget").GetDouble(), Is.GreaterThan(0.3).And.LessThan(3));
            Assert.That(
                arm.GetProperty("grade").ValueKind,
                Is.EqualTo(JsonValueKind.Number),
                "English books are graded"
            );
        }
        Assert.That(view.GetProperty("conversionDiffers").GetBoolean(), Is.False, "six books tell nothing yet");

        // The page shows it, in real Chromium.
        var page = await _kit.Browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
            }
        );
        await page.RouteAsync("https://cdn.shopify.com/**", route => route.AbortAsync());
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        var url = _kit.Base + ShopifyKit.AdminUrl("/experiments", _shop);
        Assert.That((await page.GotoAsync(url))!.Status, Is.EqualTo(200));
        var row = page.Locator($"[data-experiment='{experimentId}'] tr[data-arm='{paid.ExperimentArm}']");
        await Assertions
            .Expect(row.Locator("td.conversion"))
            .ToContainTextAsync($"1/{stories.Count(s => s.ExperimentArm == paid.ExperimentArm)}");
        await Assertions.Expect(page.Locator(".verdict")).ToContainTextAsync("may be noise");
        await BrowserKit.ScreenshotAsync(page, "experiments", fullPage: true);

        // Stop it from the page, choosing rescue: new stories get the rescue arc, outside the experiment.
        await page.Locator($"[data-experiment='{experimentId}'] tr[data-arm='rescue'] button").ClickAsync();
        await Assertions
            .Expect(page.Locator($"[data-experiment='{experimentId}']"))
            .ToContainTextAsync("new stories go to rescue", new() { Timeout = 15_000 });
        var after = await StartOnStorefrontAsync("Later");
        var later = await _h.App.WaitForStoryAsync(
            after,
            s => s.Status == StoryStatus.Preview,
            TimeSpan.FromMinutes(2)
        );
        Assert.That(later.ExperimentId, Is.Null);
        await using (var db = _h.App.Db())
        {
            Assert.That(
                (await db.Generations.SingleAsync(g => g.StoryId == after && g.Type == GenerationType.Text)).Model,
                Is.EqualTo("offline-arcs-v1/rescue")
            );
            var shop = await db.Shops.SingleAsync(s => s.Domain == _shop);
            Assert.That((shop.Settings.TextProvider, shop.Settings.TextModel), Is.EqualTo(("offline", "rescue")));
        }
        var again = await _api.PostAsJsonAsync($"/api/experiments/{experimentId}/stop", new { arm = "quest" });
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "stopped once");
    }

    [Test]
    public async Task An_experiment_with_arms_this_server_cannot_run_is_refused_field_by_field()
    {
        var response = await _api.PostAsJsonAsync(
            "/api/experiments",
            new
            {
                name = "Bad",
                arms = new object[]
                {
                    new { key = "claude", provider = "anthropic" },
                    new
                    {
                        key = "x",
                        provider = "offline",
                        model = "dragons",
                        weight = 0,
                    },
                },
            }
        );
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.That(errors.GetProperty("arms[0].provider")[0].GetString(), Does.Contain("offline"));
        Assert.That(errors.GetProperty("arms[1].model")[0].GetString(), Does.Contain("quest, rescue, courage"));
        Assert.That(errors.GetProperty("arms[1].weight")[0].GetString(), Does.Contain("1 to 100"));
        await using var db = _h.App.Db();
        Assert.That(await db.Experiments.CountAsync(e => e.Name == "Bad"), Is.Zero, "nothing stored");
    }
}

/// <summary>The arithmetic of experiments: the split and the interval.</summary>
public sealed class ExperimentMathTests
{
    [Test]
    public void The_split_follows_the_weights_and_a_story_always_lands_in_the_same_arm()
    {
        var arms = new List<ExperimentArm> { new("a", "offline", null, null, 1), new("b", "offline", null, null, 3) };
        var ids = Enumerable.Range(0, 20_000).Select(_ => Guid.NewGuid()).ToList();
        var share = ids.Count(id => ExperimentAssignment.Pick(id, arms).Key == "a") / (double)ids.Count;
        Assert.That(share, Is.EqualTo(0.25).Within(0.02), "weights 1:3");
        Assert.That(
            ids.Take(100).All(id => ExperimentAssignment.Pick(id, arms) == ExperimentAssignment.Pick(id, arms))
        );
    }

    [TestCase(0, 10, 0.0, 0.2775)]
    [TestCase(5, 10, 0.2366, 0.7634)]
    [TestCase(10, 10, 0.7225, 1.0)]
    [TestCase(30, 200, 0.1071, 0.2061)]
    public void The_wilson_interval_matches_its_published_values(int successes, int trials, double low, double high)
    {
        var interval = ExperimentStats.Wilson(successes, trials);
        Assert.That(
            (interval.Low, interval.High),
            Is.EqualTo((low, high))
                .Using<(double, double)>(
                    (x, y) => Math.Abs(x.Item1 - y.Item1) < 0.0006 && Math.Abs(x.Item2 - y.Item2) < 0.0006
                )
        );
    }

    [Test]
    public void Intervals_that_overlap_are_noise_and_separate_ones_are_a_difference()
    {
        Assert.That(ExperimentStats.Separated(ExperimentStats.Wilson(5, 10), ExperimentStats.Wilson(6, 10)), Is.False);
        Assert.That(
            ExperimentStats.Separated(ExperimentStats.Wilson(20, 200), ExperimentStats.Wilson(80, 200)),
            Is.True
        );
    }
}
