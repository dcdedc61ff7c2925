using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Storefront;

/// <summary>The storefront form in real Chromium: served through a signed app-proxy URL, filled in, progress shown, the preview opened.</summary>
public sealed class StorefrontBrowserTests
{
    private ShopifyHarness _h = null!;
    private string _base = "", _shop = "";
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync("storefront-ui", new() { ["Pipeline:Roles"] = "web,worker", ["Api:DevEndpoints"] = "false" });
        _h.App.UseKestrel(0);
        _h.App.StartServer();
        _base = _h.App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        (_shop, _) = await _h.InstalledShopAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _h.DisposeAsync();
    }

    [Test]
    public async Task A_shopper_fills_the_form_sees_progress_and_opens_the_watermarked_preview()
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 900, Height = 900 } });
        var url = _base + ShopifyKit.ProxyUrl("/proxy/personalize", _shop, "7001", extra: new Dictionary<string, string> { ["standalone"] = "1" });
        Assert.That((await page.GotoAsync(url))!.Status, Is.EqualTo(200));

        // The choices come from /catalog; a missing name is refused with the field's message.
        await Assertions.Expect(page.Locator("select[name=genre] option")).Not.ToHaveCountAsync(0);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator(".storybook-errors")).ToContainTextAsync("name");

        await page.FillAsync("input[name=childName]", "Maya");
        await page.SelectOptionAsync("select[name=ageGroup]", "3-5");
        await page.SelectOptionAsync("select[name=genre]", "space");
        await page.FillAsync("input[name=companionName]", "Comet");
        await page.SelectOptionAsync("select[name=companionKind]", "dog");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator(".storybook-progress")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".storybook-ready")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        Assert.That(await page.Locator(".storybook-percent").InnerTextAsync(), Is.EqualTo("100 %"));
        await ScreenshotAsync(page, "storefront-form");

        var preview = await page.Locator(".storybook-preview").GetAttributeAsync("href");
        var previewPage = await _browser.NewPageAsync();
        Assert.That((await previewPage.GotoAsync(_base + preview))!.Status, Is.EqualTo(200));
        await Assertions.Expect(previewPage.Locator("#title")).ToContainTextAsync("Maya");
        var images = previewPage.Locator("figure img");
        Assert.That(await images.CountAsync(), Is.EqualTo(3), "cover + two pages");
        foreach (var img in await images.AllAsync())
        {
            await Assertions.Expect(img).ToHaveJSPropertyAsync("complete", true);
            Assert.That(await img.EvaluateAsync<int>("i => i.naturalWidth"), Is.EqualTo(480), "watermarked previews are 480 px");
        }
        Assert.That(await previewPage.Locator("#rest").InnerTextAsync(), Does.Contain("more pages"));
        await ScreenshotAsync(previewPage, "storefront-preview");
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "artifacts", "screenshots");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        TestContext.AddTestAttachment(file, name);
    }
}
