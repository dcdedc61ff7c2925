using SkiaSharp;

namespace StorybookShop.Storefront;

/// <summary>The storefront preview of a picture: small (480 px), with PREVIEW across it, drawn in-process with
/// SkiaSharp.</summary>
public static class PreviewWatermark
{
    public const int Size = 480;

    public static byte[] Jpeg(byte[] original, int quality = 60)
    {
        using var source = SKBitmap.Decode(original)
            ?? throw new InvalidOperationException("The picture could not be decoded.");
        using var surface = SKSurface.Create(new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("Could not create a drawing surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        // Cover: the largest centred square of the picture, scaled to the preview.
        var side = Math.Min(source.Width, source.Height);
        var crop = SKRect.Create((source.Width - side) / 2f, (source.Height - side) / 2f, side, side);
        using (var image = SKImage.FromBitmap(source))
            canvas.DrawImage(
                image,
                crop,
                SKRect.Create(0, 0, Size, Size),
                new SKSamplingOptions(SKCubicResampler.Mitchell)
            );

        using var typeface = SKTypeface.FromFamilyName("sans-serif", SKFontStyle.Bold) ?? SKTypeface.Default;
        using var font = new SKFont(typeface, 84);
        using var shadow = new SKPaint
        {
            Color = new SKColor(0, 0, 0, 115),
            IsAntialias = true,
            ImageFilter = SKImageFilter.CreateBlur(6, 6),
        };
        using var ink = new SKPaint { Color = new SKColor(255, 255, 255, 153), IsAntialias = true };
        const string text = "PREVIEW";
        const float spacing = 8; // letter-spacing, as the stamp always had
        var advances = text.Select(c => font.MeasureText(c.ToString()) + spacing).ToArray();
        canvas.Save();
        canvas.Translate(Size / 2f, Size / 2f);
        canvas.RotateDegrees(-30);
        var x = -advances.Sum() / 2 + spacing / 2;
        var baseline = font.Size * 0.35f;
        for (var i = 0; i < text.Length; i++)
        {
            canvas.DrawText(text[i].ToString(), x, baseline, SKTextAlign.Left, font, shadow);
            canvas.DrawText(text[i].ToString(), x, baseline, SKTextAlign.Left, font, ink);
            x += advances[i];
        }
        canvas.Restore();
        canvas.Flush();
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }
}
