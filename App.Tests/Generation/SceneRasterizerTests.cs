using Microsoft.Playwright;
using SkiaSharp;
using StorybookShop.Catalog;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.Offline;
using StorybookShop.Stories;

namespace StorybookShop.Tests.Generation;

/// <summary>Offline pictures drawn in-process look like the ones Chromium drew: the same scene, pixel by
/// pixel.</summary>
public sealed class SceneRasterizerTests
{
    private const int Size = 512;

    private static IEnumerable<string> Themes() => StoryCatalog.Genres;

    [TestCaseSource(nameof(Themes))]
    public async Task A_scene_drawn_in_process_matches_chromiums_drawing(string theme)
    {
        var brief = new StoryBrief(Guid.NewGuid(), "Mia", "5-7", theme, "en", null, [new Companion("Bolt", "robot")]);
        var plan = OfflineStoryWriter.Write(brief);
        var scenes = new[] { 0, plan.Pages.Count / 2, plan.Pages.Count - 1 };
        foreach (var i in scenes)
        {
            var svg = SceneArt.Svg(
                new IllustrationRequest(brief, i + 1, "", plan.Pages[i].Scene, plan.Characters, "", null),
                [.. StoryContent.Themes[theme].Palette]
            );
            using var skia = SKBitmap.Decode(SceneRasterizer.Jpeg(svg, Size, 95));
            using var chromium = SKBitmap.Decode(await ChromiumAsync(svg));
            var (mean, worstBlock) = Difference(skia, chromium);
            TestContext.Out.WriteLine($"{theme} page {i + 1}: mean {mean:0.00}, worst 32-px block {worstBlock:0.0}");
            Assert.That((skia.Width, skia.Height), Is.EqualTo((Size, Size)));
            Assert.That(mean, Is.LessThan(4.0), $"{theme} page {i + 1}: mean difference per channel (0–255)");
            Assert.That(worstBlock, Is.LessThan(20.0), $"{theme} page {i + 1}: no shape missing (worst 32×32 block)");
        }
    }

    [Test]
    public void A_print_resolution_picture_is_affordable()
    {
        var brief = new StoryBrief(Guid.NewGuid(), "Mia", "5-7", "space", "en", null, []);
        var plan = OfflineStoryWriter.Write(brief);
        var svg = SceneArt.Svg(
            new IllustrationRequest(brief, 1, "", plan.Pages[0].Scene, plan.Characters, "", null),
            [.. StoryContent.Themes["space"].Palette]
        );
        // 8.75 in with bleed at 300 DPI.
        var jpeg = SceneRasterizer.Jpeg(svg, 2625, 86);
        using var bitmap = SKBitmap.Decode(jpeg);
        Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((2625, 2625)));
    }

    /// <summary>Mean absolute difference per channel, and the worst 32×32 block's mean.</summary>
    private static (double Mean, double WorstBlock) Difference(SKBitmap a, SKBitmap b)
    {
        const int block = 32;
        double total = 0,
            worst = 0;
        for (var by = 0; by < Size; by += block)
        for (var bx = 0; bx < Size; bx += block)
        {
            double sum = 0;
            for (var y = by; y < by + block; y++)
            for (var x = bx; x < bx + block; x++)
            {
                var p = a.GetPixel(x, y);
                var q = b.GetPixel(x, y);
                sum += Math.Abs(p.Red - q.Red) + Math.Abs(p.Green - q.Green) + Math.Abs(p.Blue - q.Blue);
            }
            total += sum;
            worst = Math.Max(worst, sum / (block * block * 3));
        }
        return (total / (Size * Size * 3), worst);
    }

    private static IPlaywright? _playwright;
    private static IBrowser? _browser;

    private static async Task<byte[]> ChromiumAsync(string svg)
    {
        _playwright ??= await Playwright.CreateAsync();
        _browser ??= await _playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu"],
            }
        );
        var page = await _browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                ViewportSize = new ViewportSize { Width = Size, Height = Size },
            }
        );
        try
        {
            await page.SetContentAsync(
                $"<!doctype html><html><head><style>html,body{{margin:0;padding:0;background:#fff}}"
                    + $"svg{{display:block;width:{Size}px;height:{Size}px}}</style></head><body>{svg}</body></html>"
            );
            return await page.ScreenshotAsync(new PageScreenshotOptions { Type = ScreenshotType.Png });
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        (_browser, _playwright) = (null, null);
    }
}
