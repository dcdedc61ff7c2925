using SkiaSharp;
using StorybookShop.Storage;

namespace StorybookShop.Tests.Storage;

/// <summary>A thumbnail is the picture a person sees, smaller: the centred square of the picture at 480 px, the same
/// as scaling the fully decoded picture (the fast path decodes a 1,536 px JPEG at 768 px).</summary>
public sealed class ThumbnailTests
{
    private static byte[] Picture(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(0x3a, 0x8f, 0xd0));
            using var sun = new SKPaint { Color = new SKColor(0xf6, 0xc4, 0x53), IsAntialias = true };
            canvas.DrawCircle(width * 0.7f, height * 0.3f, height * 0.15f, sun);
            using var ground = new SKPaint { Color = new SKColor(0x3c, 0x9a, 0x4a) };
            canvas.DrawRect(0, height * 0.7f, width, height * 0.3f, ground);
            using var line = new SKPaint
            {
                Color = SKColors.Black,
                StrokeWidth = 6,
                IsStroke = true,
            };
            canvas.DrawLine(width * 0.1f, height * 0.2f, width * 0.4f, height * 0.6f, line);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    [TestCase(1536, 1536)]
    [TestCase(1792, 1024)]
    [TestCase(400, 400)]
    public void The_thumbnail_shows_the_pictures_centred_square_as_a_full_decode_would(int width, int height)
    {
        var picture = Picture(width, height);
        using var thumb = SKBitmap.Decode(Thumbnails.Jpeg(picture));
        Assert.That((thumb.Width, thumb.Height), Is.EqualTo((Thumbnails.Size, Thumbnails.Size)));

        using var full = SKBitmap.Decode(picture);
        using var reference = new SKBitmap(Thumbnails.Size, Thumbnails.Size);
        using (var canvas = new SKCanvas(reference))
            Thumbnails.DrawSquare(canvas, full, Thumbnails.Size);
        double difference = 0;
        for (var y = 0; y < Thumbnails.Size; y += 4)
        for (var x = 0; x < Thumbnails.Size; x += 4)
        {
            SKColor a = thumb.GetPixel(x, y),
                b = reference.GetPixel(x, y);
            difference += (Math.Abs(a.Red - b.Red) + Math.Abs(a.Green - b.Green) + Math.Abs(a.Blue - b.Blue)) / 3.0;
        }
        difference /= (Thumbnails.Size / 4) * (Thumbnails.Size / 4);
        Assert.That(difference, Is.LessThan(3), "mean difference per channel, of 255");
        // What a person sees: the sun, the sky and the ground where the picture has them.
        Assert.That(thumb.GetPixel(240, 460).Green, Is.GreaterThan(120), "ground at the bottom");
        Assert.That(thumb.GetPixel(240, 10).Blue, Is.GreaterThan(150), "sky at the top");
    }

    [Test]
    public async Task Ensure_makes_only_the_missing_thumbnails_and_skips_a_picture_that_is_not_there()
    {
        var store = new LocalAssetStore(
            Microsoft.Extensions.Options.Options.Create(
                new StorageOptions { Local = { Root = Infrastructure.TestServices.TempDirectory("thumbs") } }
            ),
            TimeProvider.System
        );
        await store.PutAsync("shops/1/stories/1/images/01.jpg", Picture(1536, 1536), "image/jpeg");
        await store.PutAsync("shops/1/stories/1/images/02.jpg", Picture(1536, 1536), "image/jpeg");
        // 02 has a thumbnail already: it is kept as it is.
        await store.PutAsync("shops/1/stories/1/images/02.thumb.jpg", Picture(480, 480), "image/jpeg");
        var kept = await store.GetAsync("shops/1/stories/1/images/02.thumb.jpg");

        var ready = await Thumbnails.EnsureAsync(
            store,
            ["shops/1/stories/1/images/01.jpg", "shops/1/stories/1/images/02.jpg", "shops/1/stories/1/images/09.jpg"],
            CancellationToken.None
        );

        Assert.That(
            ready,
            Is.EquivalentTo(new[] { "shops/1/stories/1/images/01.jpg", "shops/1/stories/1/images/02.jpg" })
        );
        using var made = SKBitmap.Decode(await store.GetAsync("shops/1/stories/1/images/01.thumb.jpg"));
        Assert.That((made.Width, made.Height), Is.EqualTo((480, 480)));
        Assert.That(await store.GetAsync("shops/1/stories/1/images/02.thumb.jpg"), Is.EqualTo(kept));
        Assert.That(await store.ExistsAsync("shops/1/stories/1/images/09.thumb.jpg"), Is.False);
    }
}
