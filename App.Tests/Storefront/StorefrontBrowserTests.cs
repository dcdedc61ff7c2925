using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Storefront;

/// <summary>The storefront form in real Chromium: served through a signed app-proxy URL, filled in, progress shown, the
/// preview opened.</summary>
public sealed class StorefrontBrowserTests
{
    private ShopifyHarness _h = null!;
    private BrowserKit _kit = null!;
    private string _shop = "";

    [OneTimeSetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync(
            "storefront-ui",
            new() { ["Pipeline:Roles"] = "web,worker", ["Api:DevEndpoints"] = "false" }
        );
        _kit = await BrowserKit.StartAsync(_h.App);
        (_shop, _) = await _h.InstalledShopAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _kit.DisposeAsync();
        await _h.DisposeAsync();
    }

    [Test]
    public async Task A_shopper_fills_the_form_sees_progress_and_opens_the_watermarked_preview()
    {
        var page = await _kit.Browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                ViewportSize = new ViewportSize { Width = 900, Height = 900 },
            }
        );
        var url =
            _kit.Base
            + ShopifyKit.ProxyUrl(
                "/proxy/personalize",
                _shop,
                "7001",
                extra: new Dictionary<string, string> { ["standalone"] = "1" }
            );
        Assert.That((await page.GotoAsync(url))!.Status, Is.EqualTo(200));

        // The choices come from /catalog; a missing name is refused with the field's message.
        await Assertions.Expect(page.Locator("select[name=genre] option")).Not.ToHaveCountAsync(0);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator(".storybook-errors")).ToContainTextAsync("name");

        await page.FillAsync("input[name=childName]", "Maya");
        await page.SelectOptionAsync("select[name=ageGroup]", "3-5");
        await page.SelectOptionAsync("select[name=genre]", "space");
        // Up to three companions, each named and labelled (the kind select has an accessible name).
        string[][] companions =
        [
            ["Comet", "dog"],
            ["Pip", "owl"],
            ["Bolt", "robot"],
        ];
        for (var i = 0; i < companions.Length; i++)
        {
            await page.Locator("input[name=companionName]").Nth(i).FillAsync(companions[i][0]);
            await page.Locator("select[name=companionKind]").Nth(i).SelectOptionAsync(companions[i][1]);
        }
        await Assertions
            .Expect(page.Locator("select[name=companionKind]").Nth(2))
            .ToHaveAttributeAsync("aria-label", "Kind 3");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator(".storybook-progress")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".storybook-ready")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        Assert.That(await page.Locator(".storybook-percent").InnerTextAsync(), Is.EqualTo("100 %"));
        await BrowserKit.ScreenshotAsync(page, "storefront-form");
        await using (var db = _h.App.Db())
            Assert.That(
                (await db.Stories.Where(s => s.ChildName == "Maya").SingleAsync()).Companions.Select(c => c.Name),
                Is.EqualTo(new[] { "Comet", "Pip", "Bolt" })
            );

        var preview = await page.Locator(".storybook-preview").GetAttributeAsync("href");
        var previewPage = await _kit.Browser.NewPageAsync();
        Assert.That((await previewPage.GotoAsync(_kit.Base + preview))!.Status, Is.EqualTo(200));
        await Assertions.Expect(previewPage.Locator("#title")).ToContainTextAsync("Maya");
        var images = previewPage.Locator("figure img");
        Assert.That(await images.CountAsync(), Is.EqualTo(3), "cover + two pages");
        foreach (var img in await images.AllAsync())
        {
            await Assertions.Expect(img).ToHaveJSPropertyAsync("complete", true);
            Assert.That(
                await img.EvaluateAsync<int>("i => i.naturalWidth"),
                Is.EqualTo(480),
                "watermarked previews are 480 px"
            );
        }
        Assert.That(await previewPage.Locator("#rest").InnerTextAsync(), Does.Contain("more pages"));
        await BrowserKit.ScreenshotAsync(previewPage, "storefront-preview");
    }

    [Test]
    public async Task A_spanish_storefront_shows_the_form_in_spanish_with_spanish_field_errors()
    {
        var page = await _kit.Browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                Locale = "en-US",
                ViewportSize = new ViewportSize { Width = 900, Height = 900 },
            }
        );
        var url =
            _kit.Base
            + ShopifyKit.ProxyUrl(
                "/proxy/personalize",
                _shop,
                "7001",
                extra: new Dictionary<string, string> { ["standalone"] = "1", ["locale"] = "es" }
            );
        Assert.That((await page.GotoAsync(url))!.Status, Is.EqualTo(200));

        // The storefront's language, not the browser's (en-US), decides.
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
        await Assertions.Expect(page.Locator("form h3")).ToHaveTextAsync("Hazlo suyo");
        await Assertions.Expect(page.Locator("label").First).ToContainTextAsync("Nombre del niño o la niña");
        await Assertions.Expect(page.Locator("button[type=submit]")).ToHaveTextAsync("Escribir mi cuento");
        // The choices in Spanish, and the book's language defaults to the storefront's.
        await Assertions
            .Expect(page.Locator("select[name=genre] option[value=fairytale]"))
            .ToHaveTextAsync("Cuento de hadas");
        await Assertions.Expect(page.Locator("select[name=ageGroup] option[value='3-5']")).ToHaveTextAsync("3-5 años");
        await Assertions
            .Expect(page.Locator("select[name=companionKind]").First.Locator("option[value=dog]"))
            .ToHaveTextAsync("un perrito juguetón");
        await Assertions.Expect(page.Locator("select[name=language]")).ToHaveValueAsync("es");

        await page.FillAsync("input[name=childName]", "R2-D2!");
        await page.ClickAsync("button[type=submit]");
        await Assertions
            .Expect(page.Locator(".storybook-errors"))
            .ToContainTextAsync("El nombre solo puede tener letras, espacios, guiones y apóstrofos.");
        await BrowserKit.ScreenshotAsync(page, "storefront-form-es");
    }

    [Test]
    public async Task A_french_storefront_follows_the_book_in_french_to_its_preview()
    {
        var page = await _kit.Browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                Locale = "en-US",
                ViewportSize = new ViewportSize { Width = 900, Height = 900 },
            }
        );
        var url =
            _kit.Base
            + ShopifyKit.ProxyUrl(
                "/proxy/personalize",
                _shop,
                "7001",
                extra: new Dictionary<string, string> { ["standalone"] = "1", ["locale"] = "fr-CA" }
            );
        Assert.That((await page.GotoAsync(url))!.Status, Is.EqualTo(200));
        await Assertions.Expect(page.Locator("form h3")).ToHaveTextAsync("Un livre rien qu'à eux");
        await Assertions.Expect(page.Locator("select[name=language]")).ToHaveValueAsync("fr");

        await page.FillAsync("input[name=childName]", "Léa");
        await page.SelectOptionAsync("select[name=ageGroup]", "3-5");
        await page.SelectOptionAsync("select[name=genre]", "ocean");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator(".storybook-progress")).ToBeVisibleAsync();
        await Assertions
            .Expect(page.Locator(".storybook-stage"))
            .ToHaveTextAsync("Votre aperçu est prêt.", new() { Timeout = 90_000 });
        await Assertions.Expect(page.Locator(".storybook-preview")).ToHaveTextAsync("Voir l'aperçu");

        var preview = await page.Locator(".storybook-preview").GetAttributeAsync("href");
        var previewPage = await _kit.Browser.NewPageAsync(new BrowserNewPageOptions { Locale = "en-US" });
        Assert.That((await previewPage.GotoAsync(_kit.Base + preview))!.Status, Is.EqualTo(200));
        await Assertions.Expect(previewPage.Locator("html")).ToHaveAttributeAsync("lang", "fr");
        await Assertions.Expect(previewPage.Locator("#rest")).ToContainTextAsync("arrivent avec votre commande");
        await Assertions.Expect(previewPage.Locator("figure img").First).ToHaveAttributeAsync("alt", "Couverture");
        // The book itself is French too: its language followed the storefront's.
        await Assertions.Expect(previewPage.Locator("figcaption").First).ToHaveAttributeAsync("lang", "fr");
        await BrowserKit.ScreenshotAsync(previewPage, "storefront-preview-fr");
    }

    [Test]
    public async Task The_form_fits_a_360_px_phone_without_scrolling_sideways()
    {
        var page = await _kit.Browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                ViewportSize = new ViewportSize { Width = 360, Height = 780 },
            }
        );
        var url =
            _kit.Base
            + ShopifyKit.ProxyUrl(
                "/proxy/personalize",
                _shop,
                "7002",
                extra: new Dictionary<string, string> { ["standalone"] = "1" }
            );
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("select[name=companionKind] option")).Not.ToHaveCountAsync(0);
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        await BrowserKit.ScreenshotAsync(page, "storefront-form-phone");
        Assert.That(width, Is.LessThanOrEqualTo(360), "nothing wider than the phone");
        // axe-core on the form (the theme block's markup): no serious or critical violation.
        Assert.That(await Accessibility.SeriousViolationsAsync(page, "the form on a phone"), Is.Empty);
        await page.CloseAsync();
    }
}
