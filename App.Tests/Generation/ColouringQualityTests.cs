using SkiaSharp;
using StorybookShop.Catalog;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.Offline;
using StorybookShop.Stories;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Generation;

/// <summary>
/// Every colouring page a parent would get, in every theme and time of day: ink on the page, the outlines of its own
/// colour scene, and no two pages alike. The pictures are kept in the test output (<c>artifacts/colouring</c>, one
/// contact sheet per theme) for a person to look at.
/// </summary>
public sealed class ColouringQualityTests
{
    private const int Size = 320;

    /// <summary>Dark pixels a page must have (2 %: a page with only a frame or a horizon has less than 1 %).</summary>
    public const double MinInk = 0.02;

    /// <summary>Share of the line art's ink lying on (within 2 px of) an edge of its colour scene.</summary>
    public const double MinOverlap = 0.6;

    /// <summary>Every theme with every arc: between them every setting at every time of day the books use.</summary>
    private static IEnumerable<TestCaseData> ThemesAndArcs() =>
        StoryCatalog.Genres.SelectMany(t => OfflineStoryWriter.ArcIds.Select(a => new TestCaseData(t, a)));

    [TestCaseSource(nameof(ThemesAndArcs))]
    public void Every_colouring_page_has_ink_follows_its_scene_and_differs_from_the_others(string theme, string arc)
    {
        var brief = new StoryBrief(
            Guid.Parse("5b0c2a9e-1111-4000-8000-000000000001"),
            "Lucía",
            "7-9",
            theme,
            "es",
            null,
            [new Companion("Coco", "cat"), new Companion("Pip", "owl")]
        )
        {
            TextModel = arc,
        };
        var plan = OfflineStoryWriter.Write(brief);
        var palette = StoryContent.Themes[theme].Palette.ToArray();
        var pages = new List<(int Page, Scene Scene, SKBitmap Colour, SKBitmap Line)>();
        for (var i = 0; i < plan.Pages.Count; i++)
        {
            var request = new IllustrationRequest(brief, i + 1, "", plan.Pages[i].Scene, plan.Characters, "", null);
            var svg = SceneArt.Svg(request, palette);
            pages.Add(
                (
                    i + 1,
                    plan.Pages[i].Scene,
                    SKBitmap.Decode(SceneRasterizer.Jpeg(svg, Size, 90)),
                    SKBitmap.Decode(SceneRasterizer.Jpeg(LineArt.FromSvg(svg), Size, 90))
                )
            );
        }
        Pictures.ContactSheet($"colouring/{theme}-{arc}", pages.Select(p => (p.Colour, p.Line)).ToList());

        var problems = new List<string>();
        foreach (var (page, scene, colour, line) in pages)
        {
            var ink = Pictures.DarkShare(line);
            var overlap = Pictures.InkOnEdges(line, colour);
            TestContext.Out.WriteLine(
                $"{theme}/{arc} page {page} ({scene.Setting}, {scene.TimeOfDay}): ink {ink:P1}, on edges {overlap:P0}"
            );
            if (ink < MinInk)
                problems.Add($"page {page} ({scene.Setting}, {scene.TimeOfDay}) is blank: ink {ink:P1}");
            if (overlap < MinOverlap)
                problems.Add(
                    $"page {page} ({scene.Setting}, {scene.TimeOfDay}) does not follow its scene: {overlap:P0}"
                );
        }
        for (var a = 0; a < pages.Count; a++)
        for (var b = a + 1; b < pages.Count; b++)
            if (Pictures.MeanDifference(pages[a].Line, pages[b].Line) < 2.0)
                problems.Add($"pages {pages[a].Page} and {pages[b].Page} are the same picture");
        Assert.That(problems, Is.Empty);
    }
}
