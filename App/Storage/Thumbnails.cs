using SkiaSharp;

namespace StorybookShop.Storage;

/// <summary>
/// A picture at the size a list shows it: 480 px square (a 240 px tile on a 2× screen), stored beside the picture
/// (<c>…/01.jpg</c> → <c>…/01.thumb.jpg</c>) when the picture is stored, so the admin's story page loads
/// kilobytes, not the 1,536 px original.
/// </summary>
public static class Thumbnails
{
    public const int Size = 480;

    public static string KeyFor(string pictureKey) =>
        pictureKey.EndsWith(".jpg", StringComparison.Ordinal)
            ? pictureKey[..^4] + ".thumb.jpg"
            : pictureKey + ".thumb.jpg";

    public static byte[] Jpeg(byte[] picture, int quality = 80)
    {
        using var source = SKBitmap.Decode(picture)
            ?? throw new InvalidOperationException("The picture could not be decoded.");
        using var square = new SKBitmap(Size, Size, SKColorType.Rgba8888, SKAlphaType.Premul);
        using (var canvas = new SKCanvas(square))
            DrawSquare(canvas, source, Size);
        using var data = square.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    /// <summary>The largest centred square of <paramref name="source"/>, scaled to <paramref name="size"/> at the
    /// canvas's origin (the thumbnail's and the storefront preview's cut).</summary>
    public static void DrawSquare(SKCanvas canvas, SKBitmap source, int size)
    {
        var side = Math.Min(source.Width, source.Height);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(
            image,
            SKRect.Create((source.Width - side) / 2f, (source.Height - side) / 2f, side, side),
            SKRect.Create(0, 0, size, size),
            new SKSamplingOptions(SKCubicResampler.Mitchell)
        );
    }
}
