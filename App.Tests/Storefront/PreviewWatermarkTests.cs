using SkiaSharp;
using StorybookShop.Catalog;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.Offline;
using StorybookShop.Storefront;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Storefront;

/// <summary>The storefront preview picture is small and visibly stamped, drawn without a browser.</summary>
public sealed class PreviewWatermarkTests
{
    [Test]
    public void A_preview_is_480_px_and_stamped_across_its_middle_but_not_its_corners()
    {
        // A dark picture, as a night scene would be: the white stamp must stand out on it.
        using var dark = new SKBitmap(1536, 1536);
        dark.Erase(new SKColor(20, 30, 60));
        using var encoded = SKImage.FromBitmap(dark).Encode(SKEncodedImageFormat.Jpeg, 90);

        using var preview = SKBitmap.Decode(PreviewWatermark.Jpeg(encoded.ToArray()));

        Assert.That((preview.Width, preview.Height), Is.EqualTo((480, 480)));
        int Light(int x0, int y0, int size)
        {
            var light = 0;
            for (var y = y0; y < y0 + size; y++)
            for (var x = x0; x < x0 + size; x++)
            {
                var p = preview.GetPixel(x, y);
                if ((p.Red + p.Green + p.Blue) / 3 > 120)
                    light++;
            }
            return light;
        }
        Assert.That(Light(0, 0, 480), Is.GreaterThan(480 * 480 / 25), "the PREVIEW stamp is across the picture");
        Assert.That(Light(0, 0, 60) + Light(420, 420, 60), Is.Zero, "the corners keep the picture");
    }

    /// <summary>
    /// Every theme × arc, with two companions and the creature: on each preview picture (cover and pages) the stamp
    /// misses every head — measured on the pictures themselves: inside the heads nothing changed, along the stamp the
    /// picture did.
    /// </summary>
    [Test]
    public void The_stamp_misses_every_characters_head()
    {
        var problems = new List<string>();
        var sheet = new List<(SKBitmap, SKBitmap)>();
        foreach (var genre in StoryCatalog.Genres)
        foreach (var arc in OfflineStoryWriter.ArcIds)
        {
            var brief = new StoryBrief(
                Guid.NewGuid(),
                "Mia",
                "5-7",
                genre,
                "en",
                null,
                [new Companion("Coco", "cat"), new Companion("Pip", "owl")]
            )
            {
                TextModel = arc,
            };
            var plan = OfflineStoryWriter.Write(brief);
            var palette = StoryContent.Themes[genre].Palette.ToArray();
            for (var n = 0; n <= 3; n++)
            {
                var scene = n == 0 ? PlannedStory.CoverScene(brief, plan) : plan.Pages[n - 1].Scene;
                var request = new IllustrationRequest(brief, n, "", scene, plan.Characters, "", null);
                var heads = SceneLayout
                    .Heads(request)
                    .Select(h => new SKRect((float)h.X0, (float)h.Y0, (float)h.X1, (float)h.Y1))
                    .ToList();
                var original = SceneRasterizer.Jpeg(SceneArt.Svg(request, palette), PreviewWatermark.Size, 95);
                using var plain = SKBitmap.Decode(original);
                var stamped = SKBitmap.Decode(PreviewWatermark.Jpeg(original, heads, quality: 95));
                var inHeads = heads.Max(h => Difference(plain, stamped, Scaled(h)));
                var stamp = PreviewWatermark.Place([.. heads.Select(Scaled)]);
                var onStamp = OnStamp(plain, stamped, stamp.Corners());
                if (inHeads > 4 || onStamp < 15)
                    problems.Add($"{genre}/{arc} picture {n}: heads changed by {inHeads:0}, stamp by {onStamp:0}");
                if (arc == "rescue" && n <= 1)
                    sheet.Add((Small(plain), Small(stamped)));
                stamped.Dispose();
            }
        }
        Pictures.ContactSheet("preview/stamps", sheet);
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void Overlap_is_measured_on_the_turned_stamp_not_its_upright_bounds()
    {
        var diagonal = new PreviewWatermark.Stamp(240, 240, -30);
        // Above the stamp's upper-right end, inside its upright bounding box but clear of the turned text.
        Assert.That(PreviewWatermark.Overlaps(diagonal.Corners(), new SKRect(60, 100, 110, 150)), Is.False);
        Assert.That(PreviewWatermark.Overlaps(diagonal.Corners(), new SKRect(220, 220, 260, 260)), Is.True);
    }

    private static SKBitmap Small(SKBitmap picture) =>
        picture.Resize(new SKImageInfo(240, 240), new SKSamplingOptions(SKFilterMode.Linear));

    private static SKRect Scaled(SKRect unit) =>
        new(unit.Left * 480, unit.Top * 480, unit.Right * 480, unit.Bottom * 480);

    /// <summary>Mean difference per channel inside the turned stamp (its letters and the gaps between them).</summary>
    private static double OnStamp(SKBitmap a, SKBitmap b, SKPoint[] corners)
    {
        double total = 0;
        var count = 0;
        for (var y = 0; y < a.Height; y++)
        for (var x = 0; x < a.Width; x++)
        {
            var inside = Enumerable
                .Range(0, 4)
                .All(i =>
                {
                    var (p, q) = (corners[i], corners[(i + 1) % 4]);
                    return (q.X - p.X) * (y - p.Y) - (q.Y - p.Y) * (x - p.X) >= 0;
                });
            if (!inside)
                continue;
            var (c, d) = (a.GetPixel(x, y), b.GetPixel(x, y));
            total += Math.Abs(c.Red - d.Red) + Math.Abs(c.Green - d.Green) + Math.Abs(c.Blue - d.Blue);
            count++;
        }
        return count == 0 ? 0 : total / (count * 3.0);
    }

    /// <summary>Mean difference per channel inside a box (0–255).</summary>
    private static double Difference(SKBitmap a, SKBitmap b, SKRect box)
    {
        double total = 0;
        var count = 0;
        for (var y = Math.Max(0, (int)box.Top); y < Math.Min(a.Height, (int)box.Bottom); y++)
        for (var x = Math.Max(0, (int)box.Left); x < Math.Min(a.Width, (int)box.Right); x++)
        {
            var (p, q) = (a.GetPixel(x, y), b.GetPixel(x, y));
            total += Math.Abs(p.Red - q.Red) + Math.Abs(p.Green - q.Green) + Math.Abs(p.Blue - q.Blue);
            count++;
        }
        return count == 0 ? 0 : total / (count * 3.0);
    }
}
