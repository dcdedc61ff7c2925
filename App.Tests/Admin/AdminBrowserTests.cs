using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using StorybookShop.Data;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Admin;

/// <summary>
/// The embedded admin in real Chromium (Debian's, driven by Playwright), served by the real app on Kestrel,
/// signed in with App Bridge session tokens as Shopify issues them. Shopify's CDN is blocked, as it is here:
/// the pages must work without App Bridge and Polaris. Screenshots are kept as test artifacts.
/// </summary>
public sealed class AdminBrowserTests
{
    private ShopifyHarness _h = null!;
    private BrowserKit _kit = null!;
    private string _base = "";
    private string _shopA = "",
        _shopB = "";
    private string _failMarker = "";
    private Guid _storyA,
        _storyB;
    private AdminFrame _admin = null!;
    private FakeShopifyCatalog _catalog = null!;
    private string _adminBase = "";

    [OneTimeSetUp]
    public async Task Start()
    {
        // Narration's MP3 encoder is a real lame that fails while a marker file exists: a failure the test can end.
        var dir = TestServices.TempDirectory("flaky-lame");
        _failMarker = Path.Combine(dir, "fail");
        var script = Path.Combine(dir, "lame");
        await File.WriteAllTextAsync(
            script,
            $"#!/bin/sh\nif [ -f '{_failMarker}' ]; then echo 'encoder unavailable' >&2; exit 3; fi\nexec "
                + $"/usr/bin/lame \"$@\"\n"
        );
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // The stand-in for the Shopify admin page that frames the app.
        _admin = await AdminFrame.StartAsync();
        _adminBase = _admin.Base;
        _h = await ShopifyHarness.StartAsync(
            "admin-ui",
            new()
            {
                ["Pipeline:Roles"] = "web,worker",
                ["Api:DevEndpoints"] = "false",
                ["Generation:Offline:Narration:LamePath"] = script,
                ["Pipeline:ReconcileInterval"] = "00:00:30",
                ["Shopify:AdminOrigin"] = _adminBase,
                ["Operator:Username"] = "ops",
                ["Operator:Password"] = "correct horse battery staple",
            }
        );
        _catalog = new FakeShopifyCatalog(_h.Shopify);
        _h.Shopify.Answer = _catalog.Answer;
        _kit = await BrowserKit.StartAsync(_h.App);
        _base = _kit.Base;
        (_shopA, _) = await _h.InstalledShopAsync();
        (_shopB, _) = await _h.InstalledShopAsync();
        _storyA = await CreateStoryAsync(_shopA, "Hana");
        _storyB = await CreateStoryAsync(_shopB, "Bruno");
        foreach (var id in new[] { _storyA, _storyB })
            Assert.That(
                (await _h.App.WaitForStoryAsync(id, TimeSpan.FromMinutes(2))).Status,
                Is.EqualTo(StoryStatus.Complete)
            );
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _admin.DisposeAsync();
        await _kit.DisposeAsync();
        await _h.DisposeAsync();
    }

    private HttpClient Api(string shop)
    {
        var http = new HttpClient { BaseAddress = new Uri(_base) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer",
            ShopifyKit.SessionToken(shop)
        );
        return http;
    }

    private async Task<Guid> CreateStoryAsync(string shop, string child)
    {
        using var http = Api(shop);
        var response = await http.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = child,
                ageGroup = "0-3",
                genre = "ocean",
            }
        );
        Assert.That(
            response.StatusCode,
            Is.EqualTo(HttpStatusCode.Accepted),
            await response.Content.ReadAsStringAsync()
        );
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private string Url(string path, string shop, string? query = null) =>
        _base + ShopifyKit.AdminUrl(path, shop, query);

    private async Task<IPage> OpenAsync(string path, string shop, string? query = null)
    {
        var page = await _kit.Browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            }
        );
        await page.RouteAsync("https://cdn.shopify.com/**", route => route.AbortAsync());
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        var response = await page.GotoAsync(Url(path, shop, query));
        Assert.That(response!.Status, Is.EqualTo(200), $"{path}: {await response.TextAsync()}");
        return page;
    }

    [Test]
    public async Task The_stories_list_opens_a_story_with_its_pages_audio_files_and_ledger()
    {
        var page = await OpenAsync("/stories", _shopA);
        var rows = page.Locator("#stories tbody tr[data-story]");
        var ids = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.story)");
        Assert.That(
            ids,
            Does.Contain(_storyA.ToString()).And.Not.Contain(_storyB.ToString()),
            "shop A sees its stories, not shop B's"
        );
        Assert.That(
            await page.Locator($"tr[data-story='{_storyA}']").InnerTextAsync(),
            Does.Contain("Hana").And.Contain("Complete").And.Contain("100 %")
        );
        await BrowserKit.ScreenshotAsync(page, "stories-list");

        await page.SelectOptionAsync("#status", "Error");
        await page.ClickAsync("form.filters button[type=submit]");
        await page.WaitForURLAsync("**status=Error**");
        Assert.That(
            await page.Locator("#stories tbody tr[data-story]").CountAsync(),
            Is.Zero,
            "the status filter applies"
        );
        await page.CloseAsync();

        page = await OpenAsync("/stories", _shopA);
        await page.ClickAsync($"tr[data-story='{_storyA}'] a");
        await page.WaitForURLAsync($"**/stories/{_storyA}**");
        Assert.That(await page.Locator("figure.page").CountAsync(), Is.GreaterThan(0));
        Assert.That(
            await page.Locator("figure.page img").CountAsync(),
            Is.EqualTo(await page.Locator("figure.page").CountAsync()),
            "every page shows its picture"
        );
        Assert.That(
            await page.Locator("figure.page audio").CountAsync(),
            Is.EqualTo(await page.Locator("figure.page").CountAsync()),
            "and its narration"
        );
        // Every picture's box is reserved before it arrives (no layout shift) and the pages' pictures wait until they
        // are scrolled to.
        Assert.That(
            await page.Locator(".pages img")
                .EvaluateAllAsync<bool>("imgs => imgs.every(i => i.getAttribute('width') && i.getAttribute('height'))"),
            Is.True
        );
        Assert.That(
            await page.Locator("figure.page img").EvaluateAllAsync<string[]>("imgs => imgs.map(i => i.loading)"),
            Is.All.EqualTo("lazy")
        );
        await page.Locator("figure.page img").First.ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(page.Locator("figure.page img").First).ToHaveJSPropertyAsync("complete", true);
        var firstImage = await page.Locator("figure.page img").First.EvaluateAsync<int>("img => img.naturalWidth");
        Assert.That(firstImage, Is.EqualTo(480), "the signed thumbnail loads in the browser, 480 px for a 240 px tile");
        Assert.That(await page.Locator("figure.page img").First.GetAttributeAsync("src"), Does.Contain(".thumb.jpg"));
        Assert.That(
            await page.Locator("figure.page a").First.GetAttributeAsync("href"),
            Does.Not.Contain(".thumb.jpg"),
            "the thumbnail opens the full picture"
        );
        Assert.That(await page.Locator("a.button", new() { HasText = "Screen PDF" }).CountAsync(), Is.EqualTo(1));
        Assert.That(await page.Locator("#ledger tbody tr").CountAsync(), Is.GreaterThan(3), "the generation ledger");
        Assert.That(await page.Locator("#ledger").InnerTextAsync(), Does.Contain("offline").And.Contain("chromium"));
        await BrowserKit.ScreenshotAsync(page, "story");
        await page.CloseAsync();
    }

    /// <summary>axe-core on every admin page: no serious or critical violation (the counts of every rule are printed,
    /// whatever their impact).</summary>
    [Test]
    public async Task Every_admin_page_has_no_serious_or_critical_accessibility_violation()
    {
        var found = new List<string>();
        foreach (
            var path in new[]
            {
                "/",
                "/stories",
                $"/stories/{_storyA}",
                "/stories/new",
                "/settings",
                "/experiments",
                "/plan",
            }
        )
        {
            var page = await OpenAsync(path, _shopA);
            found.AddRange(await Accessibility.SeriousViolationsAsync(page, path));
            await page.CloseAsync();
        }
        Assert.That(found, Is.Empty);
    }

    [Test]
    public async Task Choosing_a_plan_opens_shopifys_approval_page_at_the_top_and_the_return_says_it_is_approved()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        var page = await _kit.Browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            }
        );
        await page.RouteAsync("https://cdn.shopify.com/**", route => route.AbortAsync());
        await page.RouteAsync("**/admin/charges/**", AdminFrame.ApprovalPage);
        await page.GotoAsync($"{_adminBase}/store/a/apps/storybook?src={Uri.EscapeDataString(Url("/plan", shop))}");
        var app = page.FrameLocator("#app");
        await app.Locator("#plan-starter button").ClickAsync();
        // The app's frame cannot show Shopify's approval page: the whole admin window goes there.
        await page.WaitForURLAsync(u => u.Contains("/admin/charges/", StringComparison.Ordinal));
        var confirmation = page.Url;
        Assert.That(confirmation, Does.StartWith(_h.Shopify.ShopUrlTemplate.Replace("{shop}", shop)));
        var sub = _catalog.Billing.Subscriptions[FakeShopifyBilling.IdOf(confirmation)];
        Assert.That((sub.Name, sub.Status), Is.EqualTo(("Storybook Starter", "PENDING")));

        // Approved: Shopify sends the merchant to the return URL, the Plan page inside the admin.
        var back = new Uri(_catalog.Billing.Approve(sub.Id));
        Assert.That(
            back.AbsolutePath,
            Is.EqualTo($"/store/{shop.Replace(".myshopify.com", "")}/apps/storybookshop/plan")
        );
        await page.CloseAsync();
        var plan = await OpenAsync("/plan", shop, back.Query.TrimStart('?'));
        await Assertions
            .Expect(plan.Locator("#plan-result"))
            .ToContainTextAsync("Approved: Storybook Starter is active");
        await Assertions.Expect(plan.Locator("#plan-starter")).ToContainTextAsync("Current plan");
        await Assertions.Expect(plan.Locator("#cap")).ToHaveTextAsync("100.00 USD");
        await BrowserKit.ScreenshotAsync(plan, "plan");

        // A higher cap, asked for on the page, opens Shopify's approval the same way.
        await plan.RouteAsync("**/admin/charges/**", AdminFrame.ApprovalPage);
        await plan.FillAsync("#cappedAmount", "250");
        await plan.ClickAsync("#raise-cap button");
        await plan.WaitForURLAsync(u => u.Contains("/AppSubscriptionLineItemUpdate/", StringComparison.Ordinal));
        Assert.That(sub.RequestedCap, Is.EqualTo(250m));
        await plan.CloseAsync();
    }

    [Test]
    public async Task A_merchant_makes_a_book_from_the_admin_with_field_errors_first()
    {
        var page = await OpenAsync("/stories", _shopA);
        await page.ClickAsync("#new-book-link");
        await Assertions.Expect(page.Locator("#new-book")).ToBeVisibleAsync();
        await page.ClickAsync("#make-book");
        await Assertions.Expect(page.Locator(".field[data-field=childName] .error")).Not.ToBeEmptyAsync();
        await page.FillAsync("#childName", "Zoé");
        await page.SelectOptionAsync("#genre", "ocean");
        await page.FillAsync("#companion-name-0", "Coco");
        await page.SelectOptionAsync("#companion-kind-0", "cat");
        await page.FillAsync("#companion-name-1", "Pip");
        await page.SelectOptionAsync("#companion-kind-1", "owl");
        await page.FillAsync("#companion-name-2", "Nameless");
        await page.ClickAsync("#make-book");
        await Assertions
            .Expect(page.Locator(".field[data-field='companions[2].name'] .error"))
            .Not.ToBeEmptyAsync(new() { Timeout = 10_000 });
        await BrowserKit.ScreenshotAsync(page, "new-book-error");
        await page.FillAsync("#companion-name-2", "");
        await page.ClickAsync("#make-book");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/stories/[0-9a-f-]{36}"));
        await using var db = _h.App.Db();
        var story = await db.Stories.SingleAsync(s => s.ChildName == "Zoé");
        Assert.That(
            (story.Genre, story.Companions.Select(c => c.Name + ":" + c.Kind)),
            Is.EqualTo(("ocean", new[] { "Coco:cat", "Pip:owl" }))
        );
        Assert.That(page.Url, Does.Contain(story.Id.ToString()));
        await page.CloseAsync();
    }

    [Test]
    public async Task Settings_show_a_field_error_and_save_nothing_then_save_a_valid_value()
    {
        var page = await OpenAsync("/settings", _shopA);
        await Assertions
            .Expect(page.Locator("#moderator"))
            .ToContainTextAsync("Active moderator: Word lists (offline)");
        await page.FillAsync("#imageConcurrency", "0");
        await page.ClickAsync("#save");
        var error = page.Locator(".field[data-field=imageConcurrency] .error");
        await Assertions.Expect(error).ToContainTextAsync("between 1 and 16");
        await using (var db = _h.App.Db())
            Assert.That(
                (await db.Shops.SingleAsync(s => s.Domain == _shopA)).Settings.ImageConcurrency,
                Is.Null,
                "nothing saved"
            );
        await BrowserKit.ScreenshotAsync(page, "settings-error");

        await page.FillAsync("#imageConcurrency", "2");
        await page.FillAsync("#illustrationStyle", "gentle watercolour");
        await page.ClickAsync("#save");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("Settings saved");
        await Assertions.Expect(error).ToBeEmptyAsync();
        await using (var db = _h.App.Db())
        {
            var settings = (await db.Shops.SingleAsync(s => s.Domain == _shopA)).Settings;
            Assert.That(
                (settings.ImageConcurrency, settings.IllustrationStyle),
                Is.EqualTo(((int?)2, "gentle watercolour"))
            );
        }
        await page.CloseAsync();
    }

    [Test]
    public async Task The_shops_Hangfire_dashboard_in_the_admin_shows_a_failed_stage_and_requeue_finishes_the_book()
    {
        File.WriteAllText(_failMarker, "");
        Guid id;
        try
        {
            id = await CreateStoryAsync(_shopA, "Ines");
            var failed = await _h.App.WaitForStoryAsync(id, TimeSpan.FromMinutes(2));
            Assert.That(failed.Status, Is.EqualTo(StoryStatus.Error), "narration keeps failing");
            Assert.That(failed.FailureReason, Does.StartWith("Narration failed after 3 attempt(s)"));
        }
        finally
        {
            File.Delete(_failMarker);
        }

        // The Shopify admin (https) frames the app (https, another site): both served through the browser's router.
        var (page, frame) = await OpenInAdminFrameAsync(_shopA);
        var styled = await frame.EvaluateAsync<bool>(
            "() => [...document.styleSheets].some(s => s.cssRules.length > 50) && "
                + "getComputedStyle(document.querySelector('.navbar')).position === 'fixed'"
        );
        Assert.That(styled, "Hangfire's stylesheet loads inside the cross-site frame (the ticket is in its URL)");
        await frame.Locator("a[href$='/jobs/enqueued']").First.ClickAsync();
        await frame.Locator("a[href$='/jobs/failed']").First.ClickAsync();
        // Jobs are named for what they do and the book's title, not the story's id.
        var title = (await _h.App.WaitForStoryAsync(id, TimeSpan.FromSeconds(1))).Title!;
        var row = frame.Locator("tr.js-jobs-list-row", new() { HasText = $"Narration · {title}" });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(frame.Locator("table.table")).ToContainTextAsync("encoder unavailable");
        await BrowserKit.ScreenshotAsync(page, "jobs-dashboard");

        // The job page: its history with the exception message (no stack trace), the story, and what the stage logged.
        await row.Locator("a.job-method").ClickAsync();
        await Assertions.Expect(frame.Locator("h1.page-header")).ToContainTextAsync($"Narration · {title}");
        var text = await frame.Locator("body").InnerTextAsync();
        Assert.That(text, Does.Contain("encoder unavailable").And.Contain("Ines").And.Contain("Narration starting"));
        Assert.That(text, Does.Not.Contain("   at StorybookShop"), "stack traces are not shown to merchants");
        Assert.That(text, Does.Not.Contain($"{Environment.MachineName}:{Environment.ProcessId}"), "nor host names");
        Assert.That(
            text,
            Does.Not.Contain("NarrationStage").And.Not.Contain("RunAsync"),
            "nor the C# call Hangfire shows developers"
        );
        await frame.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.Locator("iframe")
            .ScreenshotAsync(
                new LocatorScreenshotOptions
                {
                    Path = Path.Combine(
                        TestContext.CurrentContext.WorkDirectory,
                        "artifacts",
                        "screenshots",
                        "job.png"
                    ),
                }
            );

        await frame.Locator("button", new() { HasText = "Requeue" }).First.ClickAsync();
        var done = await _h.App.WaitForStoryAsync(
            id,
            s => s.Status != StoryStatus.Error && s.Status != StoryStatus.Generating,
            TimeSpan.FromMinutes(2)
        );
        Assert.That(done.Status, Is.EqualTo(StoryStatus.Complete), done.FailureReason);
        await page.CloseAsync();
    }

    [Test]
    public async Task Another_shops_dashboard_shows_none_of_this_shops_jobs_on_any_page_and_cannot_change_them()
    {
        var aJobs = await JobIdsAsync(_shopA);
        Assert.That(aJobs, Is.Not.Empty);
        var dashboard = await DashboardPathAsync(_shopB);
        var page = await _kit.Browser.NewPageAsync();
        foreach (
            var path in new[]
            {
                "/",
                "/jobs/enqueued",
                "/jobs/scheduled",
                "/jobs/processing",
                "/jobs/succeeded",
                "/jobs/failed",
                "/jobs/deleted",
                "/jobs/awaiting",
                "/retries",
                "/recurring",
                "/servers",
                $"/jobs/details/{aJobs[0]}",
            }
        )
        {
            var response = await page.GotoAsync(_base + dashboard + path);
            Assert.That(response!.Status, Is.EqualTo(200), path);
            var html = await page.ContentAsync();
            Assert.That(
                html,
                Does.Not.Contain(_storyA.ToString())
                    .And.Not.Contain(_shopA)
                    .And.Not.Contain($"{Environment.MachineName}:{Environment.ProcessId}"),
                path
            );
            foreach (var job in aJobs)
                Assert.That(html, Does.Not.Contain($"/jobs/details/{job}\""), path);
        }
        Assert.That(
            await page.ContentAsync(),
            Does.Contain("has expired or could not be found"),
            "shop A's job page is 'not found' for shop B"
        );
        await BrowserKit.ScreenshotAsync(page, "jobs-dashboard-other-shop");
        await page.CloseAsync();

        using var http = new HttpClient { BaseAddress = new Uri(_base) };
        // Counters are shop B's own.
        var stats = await http.PostAsync(
            dashboard + "/stats",
            new FormUrlEncodedContent([new("metrics[]", "succeeded:count"), new("metrics[]", "processing:count")])
        );
        var succeeded = long.Parse(
            (await stats.Content.ReadFromJsonAsync<JsonElement>())
                .GetProperty("succeeded:count")
                .GetProperty("value")
                .GetString()!,
            System.Globalization.NumberStyles.AllowThousands,
            System.Globalization.CultureInfo.InvariantCulture
        );
        Assert.That(succeeded, Is.EqualTo((await JobIdsAsync(_shopB, "Succeeded")).Count));

        // Commands on shop A's jobs by id do nothing.
        var before = await JobStatesAsync(aJobs);
        Assert.That(
            (await http.PostAsync($"{dashboard}/actions/delete/{aJobs[0]}", null)).StatusCode,
            Is.Not.EqualTo(HttpStatusCode.NoContent)
        );
        Assert.That(
            (await http.PostAsync($"{dashboard}/actions/requeue/{aJobs[0]}", null)).StatusCode,
            Is.Not.EqualTo(HttpStatusCode.NoContent)
        );
        var all = aJobs
            .Select(j => new KeyValuePair<string, string>(
                "jobs[]",
                j.ToString(System.Globalization.CultureInfo.InvariantCulture)
            ))
            .ToList();
        foreach (
            var command in new[]
            {
                "/jobs/succeeded/requeue",
                "/jobs/failed/delete",
                "/jobs/enqueued/delete",
                "/jobs/deleted/requeue",
            }
        )
            await http.PostAsync(dashboard + command, new FormUrlEncodedContent(all));
        await http.PostAsync(
            dashboard + "/recurring/remove",
            new FormUrlEncodedContent([new("jobs[]", "pipeline-reconciler")])
        );
        Assert.That(await JobStatesAsync(aJobs), Is.EqualTo(before), "shop A's jobs are untouched");
        await using (var db = _h.App.Db())
            Assert.That(
                await db
                    .Database.SqlQueryRaw<int>(
                        "SELECT count(*)::int AS \"Value\" FROM hangfire.set WHERE key = 'recurring-jobs' AND value = "
                            + "'pipeline-reconciler'"
                    )
                    .SingleAsync(),
                Is.EqualTo(1),
                "the recurring reconciler is still there"
            );

        // A ticket that was altered, or one from no ticket at all, opens nothing.
        Assert.That(
            (await http.GetAsync(dashboard[..^3] + "xyz/")).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized)
        );
        Assert.That((await http.GetAsync("/jobs-dashboard/")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    /// <summary>
    /// The app inside a cross-site iframe, as the Shopify admin shows it: the "admin" is a page on 127.0.0.1 (the
    /// app's Shopify:AdminOrigin here), the app is addressed as localhost — another site, so no cookie crosses.
    /// </summary>
    private async Task<(IPage Page, IFrame Frame)> OpenInAdminFrameAsync(string shop)
    {
        var page = await _kit.Browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            }
        );
        await page.RouteAsync("https://cdn.shopify.com/**", route => route.AbortAsync());
        var app = new Uri(_base).Port;
        var src =
            $"http://localhost:{app}/jobs?shop={shop}&host=YWRtaW4uc2hvcGlmeS5jb20&embedded=1"
            + $"&id_token={ShopifyKit.SessionToken(shop)}";
        await page.GotoAsync($"{_adminBase}/store/a/apps/storybook?src={Uri.EscapeDataString(src)}");
        await page.FrameLocator("#app").Locator(".navbar").WaitForAsync();
        var frame = page.Frames.Single(f => f.Url.StartsWith($"http://localhost:{app}/", StringComparison.Ordinal));
        Assert.That(frame.Url, Does.Contain("/jobs-dashboard/"));
        return (page, frame);
    }

    private async Task<string> DashboardPathAsync(string shop)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var response = await http.GetAsync(Url("/jobs", shop));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        return response.Headers.Location!.OriginalString.TrimEnd('/');
    }

    private async Task<List<long>> JobIdsAsync(string shop, string? state = null)
    {
        await using var db = _h.App.Db();
        return await db
            .Database.SqlQueryRaw<long>(
                """
                SELECT sj.job_id AS "Value" FROM story_jobs sj JOIN shops s ON s.id = sj.shop_id
                  JOIN hangfire.job j ON j.id = sj.job_id
                WHERE s.domain = {0} AND ({1}::text IS NULL OR j.statename = {1}::text) ORDER BY sj.job_id
                """,
                shop,
                (object?)state ?? DBNull.Value
            )
            .ToListAsync();
    }

    private async Task<List<string>> JobStatesAsync(List<long> jobs)
    {
        await using var db = _h.App.Db();
        return await db
            .Database.SqlQueryRaw<string>(
                "SELECT id || ' ' || statename AS \"Value\" FROM hangfire.job WHERE id = ANY({0}) ORDER BY id",
                jobs.ToArray()
            )
            .ToListAsync();
    }

    [Test]
    public async Task A_merchant_cannot_see_or_act_on_another_shops_stories()
    {
        using var a = Api(_shopA);
        Assert.That((await a.GetAsync($"/api/stories/{_storyB}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(
            (await a.PostAsJsonAsync($"/api/stories/{_storyB}/archive", new { })).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound)
        );
        using var browserless = new HttpClient();
        Assert.That(
            (await browserless.GetAsync(Url($"/stories/{_storyB}", _shopA))).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound)
        );
        await using var db = _h.App.Db();
        Assert.That(
            (await db.Stories.SingleAsync(s => s.Id == _storyB)).Status,
            Is.EqualTo(StoryStatus.Complete),
            "shop B's story is untouched"
        );
    }

    [Test]
    public async Task Settings_offer_the_shops_own_products_as_book_products()
    {
        _catalog.ShopProducts[_shopA] = [("8001", "Personalized storybook"), ("8002", "Plush dolphin")];
        var page = await OpenAsync("/settings", _shopA);
        var options = page.Locator("#bookProductIds option");
        await Assertions.Expect(options).ToHaveCountAsync(2);
        Assert.That(
            await options.AllInnerTextsAsync(),
            Is.EqualTo(new[] { "Personalized storybook", "Plush dolphin" })
        );
        await page.Locator("#bookProductIds").SelectOptionAsync(["8001"]);
        await page.ClickAsync("#save");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("Settings saved");
        await using (var db = _h.App.Db())
            Assert.That(
                (await db.Shops.SingleAsync(s => s.Domain == _shopA)).Settings.BookProductIds,
                Is.EqualTo(new[] { "8001" })
            );
        await page.CloseAsync();
    }

    [Test]
    public async Task Inside_the_admin_app_bridge_draws_the_menu_and_title_and_its_picker_chooses_book_products()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        _catalog.ShopProducts[shop] = [("8001", "Personalized storybook")];
        var page = await _kit.Browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            }
        );
        // App Bridge as the admin serves it: a global `shopify` with its config, and the product picker answering
        // what the merchant picked.
        await page.RouteAsync("https://cdn.shopify.com/shopifycloud/app-bridge.js", route => route.FulfillAsync(
                new RouteFulfillOptions
                {
                    ContentType = "text/javascript",
                    Body = """
                    window.pickerCalls = [];
                    window.shopify = {
                      config: { apiKey: "test" },
                      toast: { show() {} },
                      resourcePicker: async (options) => {
                        window.pickerCalls.push(options);
                        return [{ id: "gid://shopify/Product/8003", title: "Storybook deluxe" }];
                      },
                    };
                    """,
                }
            ));
        await page.RouteAsync("https://cdn.shopify.com/shopifycloud/polaris.js", route => route.AbortAsync());
        await page.GotoAsync(Url("/settings", shop));

        await Assertions.Expect(page.Locator("body > header")).ToBeHiddenAsync();
        var menu = page.Locator("ui-nav-menu a");
        Assert.That(
            await menu.EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"),
            Is.EqualTo(new[] { "/", "/stories", "/jobs", "/experiments", "/settings", "/plan" })
        );
        Assert.That(await menu.First.GetAttributeAsync("rel"), Is.EqualTo("home"));
        Assert.That(await page.Locator("ui-title-bar").GetAttributeAsync("title"), Is.EqualTo("Settings"));

        await page.ClickAsync("#pick-products");
        await Assertions
            .Expect(page.Locator("#bookProductIds option[value='8003']"))
            .ToHaveTextAsync("Storybook deluxe");
        Assert.That(
            await page.EvaluateAsync<string>("JSON.stringify(window.pickerCalls[0])"),
            Is.EqualTo("""{"type":"product","multiple":true,"action":"select","selectionIds":[]}""")
        );
        await page.ClickAsync("#save");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("Settings saved");
        await using (var db = _h.App.Db())
            Assert.That(
                (await db.Shops.SingleAsync(s => s.Domain == shop)).Settings.BookProductIds,
                Is.EqualTo(new[] { "8003" })
            );
        await page.CloseAsync();
    }

    [Test]
    public async Task Dates_are_the_shops_own_time_zone_in_the_list_and_its_day_filters()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        _catalog.TimeZones[shop] = "America/New_York";
        // 03:30 UTC on 6 December is 22:30 on 5 December in New York.
        var at = new DateTimeOffset(2026, 12, 6, 3, 30, 0, TimeSpan.Zero);
        await using (var db = _h.App.Db())
        {
            var shopId = (await db.Shops.SingleAsync(s => s.Domain == shop)).Id;
            var story = StorybookShop.Stories.StoryCreation.NewStory(
                new StorybookShop.Stories.PersonalizationRequest("Nia", "3-5", "space", "en", null, []),
                shopId,
                at
            );
            story.Title = "Nia and the night sky";
            story.Status = StoryStatus.Complete;
            db.Stories.Add(story);
            await db.SaveChangesAsync();
        }
        using var http = Api(shop);
        var response = await http.GetAsync(ShopifyKit.AdminUrl("/stories", shop));
        var list = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), list);
        Assert.That(list, Does.Contain("2026-12-05 22:30").And.Contain("Created (America/New_York)"));
        await using (var db = _h.App.Db())
            Assert.That(
                (await db.Shops.SingleAsync(s => s.Domain == shop)).IanaTimezone,
                Is.EqualTo("America/New_York")
            );
        Assert.That(
            await http.GetStringAsync(ShopifyKit.AdminUrl("/stories", shop, "from=2026-12-05&to=2026-12-05")),
            Does.Contain("Nia and the night sky"),
            "the merchant's 5 December"
        );
        Assert.That(
            await http.GetStringAsync(ShopifyKit.AdminUrl("/stories", shop, "from=2026-12-06")),
            Does.Not.Contain("Nia and the night sky"),
            "not the merchant's 6 December, though it is in UTC"
        );
    }

    [Test]
    public async Task A_shop_that_chooses_a_10_inch_trim_gets_10_inch_books_with_bleed()
    {
        var (shop, _) = await _h.InstalledShopAsync();
        using (var api = Api(shop))
        {
            var bad = await api.PutAsJsonAsync("/api/settings", new { trimInches = 9 });
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await bad.Content.ReadAsStringAsync(), Does.Contain("trimInches"));
            Assert.That(
                (await api.PutAsJsonAsync("/api/settings", new { trimInches = 10 })).StatusCode,
                Is.EqualTo(HttpStatusCode.OK)
            );
        }
        var story = await _h.App.WaitForStoryAsync(await CreateStoryAsync(shop, "Tomo"), TimeSpan.FromMinutes(2));
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);
        var store = _h.App.Services.GetRequiredService<StorybookShop.Storage.IAssetStore>();
        var print = await PdfFacts.ReadAsync((await store.GetAsync(story.PrintPdfKey!))!);
        Assert.That((print.WidthPt, print.HeightPt), Is.EqualTo((738.0, 738.0)), "10 in + 2 x 0.125 in bleed");
        Assert.That(print.TrimBox, Is.EqualTo("9.00 9.00 729.00 729.00"));
    }

    [Test]
    public async Task The_operator_dashboard_shows_every_shop_behind_its_own_credentials()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_base) };
        Assert.That((await http.GetAsync("/ops/jobs/")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using (var merchant = Api(_shopA))
            Assert.That(
                (await merchant.GetAsync("/ops/jobs/")).StatusCode,
                Is.EqualTo(HttpStatusCode.Unauthorized),
                "a merchant's session token is not an operator's credential"
            );
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic",
            Convert.ToBase64String("ops:wrong"u8.ToArray())
        );
        Assert.That((await http.GetAsync("/ops/jobs/")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("ops:correct horse battery staple"))
        );
        var html = await (await http.GetAsync("/ops/jobs/jobs/succeeded")).Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain(_storyA.ToString()).And.Contain(_storyB.ToString()), "every shop's jobs");
        Assert.That((await http.GetAsync("/ops/jobs/recurring")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Commands_naming_another_shops_jobs_take_no_lock_oversized_forms_are_refused_and_recurring_is_403()
    {
        var aJob = (await JobIdsAsync(_shopA)).First();
        var dashboard = await DashboardPathAsync(_shopB);
        using var http = new HttpClient { BaseAddress = new Uri(_base), Timeout = TimeSpan.FromSeconds(40) };
        // Shop A's job is busy (its state lock held, as while it changes state); shop B floods commands naming it.
        var storage = _h.App.Services.GetRequiredService<Hangfire.JobStorage>();
        using (var connection = storage.GetConnection())
        using (connection.AcquireDistributedLock($"job:{aJob}:state-lock", TimeSpan.FromSeconds(5)))
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var response = await http.PostAsync(
                dashboard + "/jobs/succeeded/requeue",
                new FormUrlEncodedContent([
                    new("jobs[]", aJob.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ])
            );
            Assert.That(response.StatusCode, Is.Not.EqualTo(HttpStatusCode.InternalServerError));
            // Waiting on the held lock would take Pipeline:DistributedLockTimeout (one minute).
            Assert.That(
                watch.Elapsed,
                Is.LessThan(TimeSpan.FromSeconds(20)),
                "the ownership check comes before any lock"
            );
        }

        var huge = new ByteArrayContent(new byte[20 * 1024 * 1024]);
        huge.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(
            "application/x-www-form-urlencoded"
        );
        Assert.That(
            (await http.PostAsync(dashboard + "/jobs/failed/delete", huge)).StatusCode,
            Is.EqualTo(HttpStatusCode.RequestEntityTooLarge),
            "a 20 MB form is refused before it is read"
        );
        foreach (var command in new[] { "/recurring/remove", "/recurring/trigger", "/recurring/disable" })
            Assert.That(
                (
                    await http.PostAsync(
                        dashboard + command,
                        new FormUrlEncodedContent([new("jobs[]", "pipeline-reconciler")])
                    )
                ).StatusCode,
                Is.EqualTo(HttpStatusCode.Forbidden),
                command
            );
    }

    [Test]
    public async Task A_merchants_job_page_keeps_the_apps_own_log_lines_and_the_operators_keeps_every_line()
    {
        var story = await CreateStoryAsync(_shopA, "Ines");
        Assert.That(
            (await _h.App.WaitForStoryAsync(story, TimeSpan.FromMinutes(2))).Status,
            Is.EqualTo(StoryStatus.Complete)
        );
        using (var api = Api(_shopA))
            Assert.That(
                (await api.PostAsJsonAsync($"/api/stories/{story}/publish", new { })).StatusCode,
                Is.EqualTo(HttpStatusCode.Accepted)
            );
        Assert.That(
            (
                await _h.App.WaitForStoryAsync(story, s => s.Status == StoryStatus.Published, TimeSpan.FromMinutes(1))
            ).Status,
            Is.EqualTo(StoryStatus.Published)
        );
        await _h.App.WaitForJobsSettledAsync(story, TimeSpan.FromMinutes(1));
        long publishJob;
        await using (var db = _h.App.Db())
            publishJob = await db
                .Database.SqlQuery<long>(
                    $"""
                    SELECT job_id AS "Value" FROM story_jobs WHERE story_id = {story} AND kind = 'Publish'
                    """
                )
                .SingleAsync();

        using var http = new HttpClient { BaseAddress = new Uri(_base) };
        var merchant = await http.GetStringAsync($"{await DashboardPathAsync(_shopA)}/jobs/details/{publishJob}");
        Assert.That(merchant, Does.Contain("publishing"), "the app's own lines");
        Assert.That(
            merchant,
            Does.Not.Contain("Start processing HTTP request")
                .And.Not.Contain("graphql.json")
                .And.Not.Contain("127.0.0.1"),
            "no provider URLs or HTTP plumbing for the merchant"
        );
        Assert.That(
            merchant,
            Does.Not.Contain("traceparent").And.Not.Contain("RetryCount").And.Not.Contain(">ShopId<"),
            "no job plumbing parameters for the merchant"
        );

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("ops:correct horse battery staple"))
        );
        var operatorPage = await http.GetStringAsync($"/ops/jobs/jobs/details/{publishJob}");
        Assert.That(
            operatorPage,
            Does.Contain("Start processing HTTP request").And.Contain("graphql.json").And.Contain("traceparent"),
            "the operator keeps the whole log and every parameter"
        );
        Assert.That(operatorPage, Does.Not.Contain(".job-snippet{display:none}"), "and the job's C# call");
        Assert.That(merchant, Does.Contain(".job-snippet{display:none}"));
    }
}
