using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Playwright;
using StorybookShop.Data;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Reader;

/// <summary>
/// The read-along reader in real Chromium, on an offline book (no keys: espeak-ng's word timings): the cover, then
/// spreads on a desktop and one page at a time on a phone; pages turn by key and by swipe; "Read to me" lights the
/// word being spoken at the audio's current time and turns the page by itself; a tapped word plays from there.
/// </summary>
public sealed class ReaderBrowserTests
{
    private ShopifyHarness _h = null!;
    private BrowserKit _kit = null!;
    private string _shop = "";
    private Story _book = null!;
    private string _token = "";

    [OneTimeSetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync(
            "reader",
            new() { ["Pipeline:Roles"] = "web,worker", ["Api:DevEndpoints"] = "false" }
        );
        _kit = await BrowserKit.StartAsync(_h.App);
        (_shop, _) = await _h.InstalledShopAsync();
        using var api = _h.App.CreateClient();
        api.DefaultRequestHeaders.Authorization = new("Bearer", ShopifyKit.SessionToken(_shop));
        var response = await api.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = "Maya",
                ageGroup = "3-5",
                genre = "ocean",
                companions = new[] { new { name = "Comet", kind = "dog" } },
            }
        );
        Assert.That(
            response.StatusCode,
            Is.EqualTo(HttpStatusCode.Accepted),
            await response.Content.ReadAsStringAsync()
        );
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        _book = await _h.App.WaitForStoryAsync(id, TimeSpan.FromMinutes(3));
        Assert.That(_book.Status, Is.EqualTo(StoryStatus.Complete), _book.FailureReason);
        // The buyer's link: a delivery of the book.
        _token = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        await using var db = _h.App.Db();
        db.Deliveries.Add(
            new Delivery
            {
                ShopId = _book.ShopId,
                StoryId = id,
                OrderId = "1",
                LineItemId = "1",
                Token = _token,
                CreatedAt = DateTimeOffset.UtcNow,
                ExpiresAt = DateTimeOffset.UtcNow.AddDays(1),
            }
        );
        await db.SaveChangesAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _kit.DisposeAsync();
        await _h.DisposeAsync();
    }

    private string AdminReader => _kit.Base + ShopifyKit.AdminUrl($"/stories/{_book.Id}/read", _shop);

    private async Task<IPage> OpenAsync(string url, int width, int height, bool touch = false)
    {
        var context = await _kit.Browser.NewContextAsync(
            new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = width, Height = height },
                HasTouch = touch,
                IsMobile = touch,
            }
        );
        var page = await context.NewPageAsync();
        var foreign = new List<string>();
        page.Request += (_, r) =>
        {
            if (
                !r.Url.StartsWith(_kit.Base, StringComparison.Ordinal)
                && !r.Url.StartsWith("data:", StringComparison.Ordinal)
            )
                foreign.Add(r.Url);
        };
        Assert.That((await page.GotoAsync(url))!.Status, Is.EqualTo(200));
        Assert.That(foreign, Is.Empty, "no third-party request");
        return page;
    }

    [Test]
    public async Task On_a_desktop_the_book_opens_on_its_cover_and_turns_into_spreads_by_key()
    {
        var page = await OpenAsync(AdminReader, 1280, 800);
        await Assertions.Expect(page.Locator("#stage .cover h1")).ToHaveTextAsync(_book.Title!);
        await BrowserKit.ScreenshotAsync(page, "reader-cover", fullPage: false);
        await page.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(page.Locator("#stage")).ToHaveAttributeAsync("data-view", "1");
        var words = page.Locator("#stage .text .w");
        await Assertions.Expect(words).ToHaveCountAsync(_book.Pages.Single(p => p.Number == 1).Words!.Count);
        var picture = (await page.Locator("#stage .picture img").BoundingBoxAsync())!;
        var text = (await page.Locator("#stage .text").BoundingBoxAsync())!;
        Assert.That(
            text.X,
            Is.GreaterThan(picture.X + picture.Width - 1),
            "a spread: the picture left, the text right"
        );
        await Assertions.Expect(page.Locator("#stage .picture img")).ToHaveJSPropertyAsync("complete", true);
        await BrowserKit.ScreenshotAsync(page, "reader-spread", fullPage: false);
        await page.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(page.Locator("#stage")).ToHaveAttributeAsync("data-view", "2");
        await page.Keyboard.PressAsync("ArrowLeft");
        await Assertions.Expect(page.Locator("#stage")).ToHaveAttributeAsync("data-view", "1");
        // Larger text, for small readers.
        var before = await page.Locator("#stage .text")
            .EvaluateAsync<double>("e => parseFloat(getComputedStyle(e).fontSize)");
        await page.ClickAsync("#larger");
        await page.ClickAsync("#larger");
        var after = await page.Locator("#stage .text")
            .EvaluateAsync<double>("e => parseFloat(getComputedStyle(e).fontSize)");
        Assert.That(after, Is.GreaterThan(before * 1.15));
    }

    [Test]
    public async Task On_a_phone_the_buyer_reads_one_page_at_a_time_and_swipes_to_turn()
    {
        var page = await OpenAsync($"{_kit.Base}/downloads/{_token}/read", 390, 844, touch: true);
        await Assertions.Expect(page.Locator("#stage")).ToHaveAttributeAsync("data-view", "0");
        async Task SwipeAsync(int dx) =>
            await page.Locator("#stage")
                .EvaluateAsync(
                    """
                    (stage, dx) => {
                      const at = x => [new Touch({ identifier: 1, target: stage, clientX: x, clientY: 400 })];
                      stage.dispatchEvent(new TouchEvent('touchstart', { changedTouches: at(300), bubbles: true }));
                      stage.dispatchEvent(new TouchEvent('touchend', { changedTouches: at(300 + dx), bubbles: true }));
                    }
                    """,
                    dx
                );
        await SwipeAsync(-150);
        await Assertions.Expect(page.Locator("#stage")).ToHaveAttributeAsync("data-view", "1");
        await SwipeAsync(-150);
        await Assertions.Expect(page.Locator("#stage")).ToHaveAttributeAsync("data-view", "2");
        await SwipeAsync(150);
        await Assertions.Expect(page.Locator("#stage")).ToHaveAttributeAsync("data-view", "1");
        await Assertions.Expect(page.Locator("#stage .picture img")).ToHaveJSPropertyAsync("complete", true);
        var picture = (await page.Locator("#stage .picture img").BoundingBoxAsync())!;
        var text = (await page.Locator("#stage .text").BoundingBoxAsync())!;
        Assert.That(text.Y, Is.GreaterThan(picture.Y + picture.Height - 1), "one page: the text under its picture");
        await BrowserKit.ScreenshotAsync(page, "reader-phone", fullPage: false);
    }

    [Test]
    public async Task Read_to_me_lights_the_word_being_spoken_and_turns_the_page_when_the_page_ends()
    {
        var page = await OpenAsync(AdminReader, 1280, 800);
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Locator("#voice").EvaluateAsync("a => { a.defaultPlaybackRate = 2; a.playbackRate = 2; }");
        await page.ClickAsync("#play");
        await Assertions.Expect(page.Locator("#reader")).ToHaveAttributeAsync("data-reading", "playing");
        await Assertions.Expect(page.Locator("#play")).ToHaveAttributeAsync("aria-pressed", "true");

        var timings = _book.Pages.Single(p => p.Number == 1).Words!;
        var checkedWords = new HashSet<int>();
        for (var i = 0; i < 40 && checkedWords.Count < 3; i++)
        {
            await Task.Delay(150);
            var now = await page.EvaluateAsync<JsonElement>(
                "() => ({ t: document.getElementById('voice').currentTime, view: "
                    + "document.getElementById('stage').dataset.view, lit: "
                    + "Number(document.getElementById('stage').dataset.word), on: "
                    + "[...document.querySelectorAll('#stage .w.on')].map(s => Number(s.dataset.i)) })"
            );
            if (now.GetProperty("view").GetString() != "1")
                break;
            var lit = now.GetProperty("lit").GetInt32();
            if (lit < 0)
                continue;
            var t = now.GetProperty("t").GetDouble();
            // The lit word has started by now, and the next one has not (a frame's tolerance at double speed).
            Assert.That(timings[lit].Start, Is.LessThanOrEqualTo(t + 0.1), $"word {lit} at {t:0.00} s");
            if (lit + 1 < timings.Count)
                Assert.That(timings[lit + 1].Start, Is.GreaterThan(t - 0.1), $"word {lit} at {t:0.00} s");
            Assert.That(
                now.GetProperty("on").EnumerateArray().Select(x => x.GetInt32()),
                Is.EqualTo(new[] { lit }),
                "one word lit"
            );
            checkedWords.Add(lit);
        }
        Assert.That(checkedWords, Has.Count.GreaterThanOrEqualTo(3), "the highlight moved along the words");

        // The page's narration ends and the reader turns to the next page, still reading.
        await Assertions
            .Expect(page.Locator("#stage"))
            .ToHaveAttributeAsync("data-view", "2", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#reader")).ToHaveAttributeAsync("data-reading", "playing");
        await BrowserKit.ScreenshotAsync(page, "reader-reading", fullPage: false);

        // Pause and resume.
        await page.ClickAsync("#play");
        await Assertions.Expect(page.Locator("#reader")).ToHaveAttributeAsync("data-reading", "paused");
        var paused = await page.Locator("#voice").EvaluateAsync<double>("a => a.currentTime");
        await Task.Delay(400);
        Assert.That(await page.Locator("#voice").EvaluateAsync<double>("a => a.currentTime"), Is.EqualTo(paused));

        // Tapping a word plays from that word.
        var word = _book.Pages.Single(p => p.Number == 2).Words![4];
        await page.Locator("#stage .w[data-i='4']").ClickAsync();
        await Assertions.Expect(page.Locator("#reader")).ToHaveAttributeAsync("data-reading", "playing");
        var from = await page.Locator("#voice").EvaluateAsync<double>("a => a.currentTime");
        Assert.That(from, Is.EqualTo(word.Start).Within(0.5));

        // "I'll read": no audio.
        await page.ClickAsync("#quiet");
        await Assertions.Expect(page.Locator("#reader")).ToHaveAttributeAsync("data-reading", "off");
        Assert.That(await page.Locator("#voice").EvaluateAsync<bool>("a => a.paused"), Is.True);
    }

    [Test]
    public async Task The_preview_opens_in_the_reader_with_only_its_pages_and_no_narration()
    {
        using var http = _h.App.CreateClient();
        var html = await http.GetStringAsync(ShopifyKit.ProxyUrl($"/proxy/stories/{_book.Id}/read", _shop));
        var json = System
            .Text.RegularExpressions.Regex.Match(
                html,
                "<script type=\"application/json\" id=\"book\">(.*?)</script>",
                System.Text.RegularExpressions.RegexOptions.Singleline
            )
            .Groups[1]
            .Value;
        var manifest = JsonDocument.Parse(json).RootElement;
        Assert.That(manifest.GetProperty("preview").GetBoolean(), Is.True);
        Assert.That(manifest.GetProperty("pages").GetArrayLength(), Is.EqualTo(2), "the preview's pages only");
        Assert.That(
            manifest.GetProperty("pages").EnumerateArray().Select(p => p.GetProperty("audio").ValueKind),
            Has.All.EqualTo(JsonValueKind.Null)
        );
        Assert.That(
            manifest.GetProperty("pages")[0].GetProperty("picture").GetString(),
            Does.Contain("/preview/1.jpg")
        );
        Assert.That(manifest.GetProperty("morePages").GetInt32(), Is.EqualTo(_book.Pages.Count - 2));
    }
}
