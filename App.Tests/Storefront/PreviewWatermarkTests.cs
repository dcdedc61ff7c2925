using SkiaSharp;
using StorybookShop.Storefront;

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
}
