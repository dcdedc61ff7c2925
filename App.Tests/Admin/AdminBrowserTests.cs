using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
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
    private string _shopA = "", _shopB = "";
    private string _failMarker = "";
    private Guid _storyA, _storyB;

    [OneTimeSetUp]
    public async Task Start()
    {
        // Narration goes through a real espeak-ng that fails while a marker file exists: a failure the test can end.
        var dir = TestServices.TempDirectory("flaky-espeak");
        _failMarker = Path.Combine(dir, "fail");
        var script = Path.Combine(dir, "espeak-ng");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\nif [ -f '{_failMarker}' ]; then echo 'speech engine unavailable' >&2; exit 3; fi\nexec /usr/bin/espeak-ng \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _h = await ShopifyHarness.StartAsync("admin-ui", new()
        {
            ["Pipeline:Roles"] = "web,worker", ["Api:DevEndpoints"] = "false", ["Generation:Offline:Narration:EspeakPath"] = script,
            ["Operator:Username"] = "ops", ["Operator:Password"] = "correct horse battery staple",
        });
        _kit = await BrowserKit.StartAsync(_h.App);
        _base = _kit.Base;
        (_shopA, _) = await _h.InstalledShopAsync();
        (_shopB, _) = await _h.InstalledShopAsync();
        _storyA = await CreateStoryAsync(_shopA, "Hana");
        _storyB = await CreateStoryAsync(_shopB, "Bruno");
        foreach (var id in new[] { _storyA, _storyB })
            Assert.That((await _h.App.WaitForStoryAsync(id, TimeSpan.FromMinutes(2))).Status, Is.EqualTo(StoryStatus.Complete));

    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _kit.DisposeAsync();
        await _h.DisposeAsync();
    }

    private HttpClient Api(string shop)
    {
        var http = new HttpClient { BaseAddress = new Uri(_base) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ShopifyKit.SessionToken(shop));
        return http;
    }

    private async Task<Guid> CreateStoryAsync(string shop, string child)
    {
        using var http = Api(shop);
        var response = await http.PostAsJsonAsync("/api/stories", new { childName = child, ageGroup = "0-3", genre = "ocean" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private string Url(string path, string shop, string? query = null) =>
        $"{_base}{path}?shop={shop}&host=YWRtaW4uc2hvcGlmeS5jb20&embedded=1&id_token={ShopifyKit.SessionToken(shop)}{(query is null ? "" : "&" + query)}";

    private async Task<IPage> OpenAsync(string path, string shop, string? query = null)
    {
        var page = await _kit.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
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
        Assert.That(ids, Does.Contain(_storyA.ToString()).And.Not.Contain(_storyB.ToString()), "shop A sees its stories, not shop B's");
        Assert.That(await page.Locator($"tr[data-story='{_storyA}']").InnerTextAsync(), Does.Contain("Hana").And.Contain("Complete").And.Contain("100 %"));
        await BrowserKit.ScreenshotAsync(page, "stories-list");

        await page.SelectOptionAsync("#status", "Error");
        await page.ClickAsync("form.filters button[type=submit]");
        await page.WaitForURLAsync("**status=Error**");
        Assert.That(await page.Locator("#stories tbody tr[data-story]").CountAsync(), Is.Zero, "the status filter applies");
        await page.CloseAsync();

        page = await OpenAsync("/stories", _shopA);
        await page.ClickAsync($"tr[data-story='{_storyA}'] a");
        await page.WaitForURLAsync($"**/stories/{_storyA}**");
        Assert.That(await page.Locator("figure.page").CountAsync(), Is.GreaterThan(0));
        Assert.That(await page.Locator("figure.page img").CountAsync(), Is.EqualTo(await page.Locator("figure.page").CountAsync()), "every page shows its picture");
        Assert.That(await page.Locator("figure.page audio").CountAsync(), Is.EqualTo(await page.Locator("figure.page").CountAsync()), "and its narration");
        var firstImage = await page.Locator("figure.page img").First.EvaluateAsync<int>("img => img.naturalWidth");
        Assert.That(firstImage, Is.GreaterThan(0), "the signed picture URL loads in the browser");
        Assert.That(await page.Locator("a.button", new() { HasText = "Screen PDF" }).CountAsync(), Is.EqualTo(1));
        Assert.That(await page.Locator("#ledger tbody tr").CountAsync(), Is.GreaterThan(3), "the generation ledger");
        Assert.That(await page.Locator("#ledger").InnerTextAsync(), Does.Contain("offline").And.Contain("chromium"));
        await BrowserKit.ScreenshotAsync(page, "story");
        await page.CloseAsync();
    }

    [Test]
    public async Task Settings_show_a_field_error_and_save_nothing_then_save_a_valid_value()
    {
        var page = await OpenAsync("/settings", _shopA);
        await page.FillAsync("#imageConcurrency", "0");
        await page.ClickAsync("#save");
        var error = page.Locator(".field[data-field=imageConcurrency] .error");
        await Assertions.Expect(error).ToContainTextAsync("between 1 and 16");
        await using (var db = _h.App.Db())
            Assert.That((await db.Shops.SingleAsync(s => s.Domain == _shopA)).Settings.ImageConcurrency, Is.Null, "nothing saved");
        await BrowserKit.ScreenshotAsync(page, "settings-error");

        await page.FillAsync("#imageConcurrency", "2");
        await page.FillAsync("#illustrationStyle", "gentle watercolour");
        await page.ClickAsync("#save");
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("Settings saved");
        await Assertions.Expect(error).ToBeEmptyAsync();
        await using (var db = _h.App.Db())
        {
            var settings = (await db.Shops.SingleAsync(s => s.Domain == _shopA)).Settings;
            Assert.That((settings.ImageConcurrency, settings.IllustrationStyle), Is.EqualTo(((int?)2, "gentle watercolour")));
        }
        await page.CloseAsync();
    }

    [Test]
    public async Task The_dashboard_shows_a_failed_job_and_retry_now_moves_it_to_succeeded()
    {
        File.WriteAllText(_failMarker, "");
        Guid id;
        try
        {
            id = await CreateStoryAsync(_shopA, "Ines");
            var failed = await _h.App.WaitForStoryAsync(id, TimeSpan.FromMinutes(2));
            Assert.That(failed.Status, Is.EqualTo(StoryStatus.Error), "narration keeps failing");
        }
        finally
        {
            File.Delete(_failMarker);
        }

        var page = await OpenAsync("/jobs", _shopA, "state=failed");
        var row = page.Locator($"#jobs tr[data-job='{id}/Narration']");
        await Assertions.Expect(row).ToContainTextAsync("speech engine unavailable");
        Assert.That(await page.Locator("#counters [data-state=failed] .stat").InnerTextAsync(), Is.EqualTo("1"));
        Assert.That(await page.Locator("#nodes tbody tr").CountAsync(), Is.GreaterThanOrEqualTo(1), "the cluster's nodes with their check-ins");
        Assert.That(await page.Locator("#chart rect.bad[data-count]:not([data-count='0'])").CountAsync(), Is.GreaterThan(0), "failed runs on the hourly chart");
        await BrowserKit.ScreenshotAsync(page, "jobs-dashboard");

        // The job page: its attempts, the exception, the lines the stage logged, the node.
        await row.Locator("a").ClickAsync();
        await page.WaitForURLAsync($"**/jobs/{id}/Narration**");
        var runs = await page.Locator("#runs").InnerTextAsync();
        Assert.That(runs, Does.Contain("Failed").And.Contain("speech engine unavailable").And.Contain("(retry scheduled)"));
        Assert.That(await page.Locator("#runs details pre").First.TextContentAsync(), Does.Contain("Narration starting"), "the lines the stage logged while it ran");
        await BrowserKit.ScreenshotAsync(page, "job");
        await page.CloseAsync();

        page = await OpenAsync("/jobs", _shopA, "state=failed");
        await page.Locator($"#jobs tr[data-job='{id}/Narration'] button", new() { HasText = "Retry now" }).ClickAsync();
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("Queued");
        var done = await _h.App.WaitForStoryAsync(id, TimeSpan.FromMinutes(2));
        Assert.That(done.Status, Is.EqualTo(StoryStatus.Complete), done.FailureReason);
        await page.CloseAsync();

        page = await OpenAsync("/jobs", _shopA, "state=succeeded");
        await Assertions.Expect(page.Locator($"#jobs tr[data-job='{id}/Narration']")).ToHaveCountAsync(1);
        Assert.That(await page.Locator("#counters [data-state=failed] .stat").InnerTextAsync(), Is.EqualTo("0"));
        await page.CloseAsync();
    }

    [Test]
    public async Task A_merchant_cannot_see_or_act_on_another_shops_stories_or_jobs()
    {
        using var a = Api(_shopA);
        Assert.That((await a.GetAsync($"/api/stories/{_storyB}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await a.PostAsJsonAsync($"/api/jobs/{_storyB}/Text/retry", new { })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await a.PostAsJsonAsync($"/api/jobs/{_storyB}/Text/cancel", new { })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await a.DeleteAsync($"/api/jobs/{_storyB}/Text")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await a.PostAsJsonAsync($"/api/stories/{_storyB}/archive", new { })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var jobs = await a.GetFromJsonAsync<JsonElement>("/api/jobs");
        Assert.That(jobs.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("storyId").GetGuid()), Does.Not.Contain(_storyB));
        Assert.That(jobs.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("storyId").GetGuid()), Does.Contain(_storyA), "its own succeeded jobs are listed");

        using var browserless = new HttpClient();
        Assert.That((await browserless.GetAsync(Url($"/stories/{_storyB}", _shopA))).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await browserless.GetAsync(Url($"/jobs/{_storyB}/Text", _shopA))).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var page = await OpenAsync("/jobs", _shopA, "state=succeeded");
        Assert.That(await page.ContentAsync(), Does.Not.Contain(_storyB.ToString()).And.Not.Contain(_shopB));
        await page.CloseAsync();
        await using var db = _h.App.Db();
        Assert.That((await db.Stories.SingleAsync(s => s.Id == _storyB)).Status, Is.EqualTo(StoryStatus.Complete), "shop B's story is untouched");
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
            Assert.That((await api.PutAsJsonAsync("/api/settings", new { trimInches = 10 })).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        var story = await _h.App.WaitForStoryAsync(await CreateStoryAsync(shop, "Tomo"), TimeSpan.FromMinutes(2));
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);
        var store = _h.App.Services.GetRequiredService<StorybookShop.Storage.IAssetStore>();
        var print = await PdfFacts.ReadAsync((await store.GetAsync(story.PrintPdfKey!))!);
        Assert.That((print.WidthPt, print.HeightPt), Is.EqualTo((738.0, 738.0)), "10 in + 2 x 0.125 in bleed");
        Assert.That(print.TrimBox, Is.EqualTo("9.00 9.00 729.00 729.00"));
    }

    [Test]
    public async Task The_operator_view_shows_every_shop_behind_its_own_credentials()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_base) };
        Assert.That((await http.GetAsync("/ops/jobs")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using (var merchant = Api(_shopA))
            Assert.That((await merchant.GetAsync("/ops/jobs")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a merchant's session token is not an operator's credential");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("ops:wrong"u8.ToArray()));
        Assert.That((await http.GetAsync("/ops/jobs")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("ops:correct horse battery staple")));
        var html = await (await http.GetAsync("/ops/jobs?state=succeeded")).Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain(_shopA).And.Contain(_shopB));
    }
}
