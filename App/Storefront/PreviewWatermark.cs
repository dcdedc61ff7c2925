using SkiaSharp;

namespace StorybookShop.Storefront;

/// <summary>The storefront preview of a picture: small (480 px), with PREVIEW across it, drawn in-process with
/// SkiaSharp — across the picture but not across the characters' faces when the scene says where their heads
/// are.</summary>
public static class PreviewWatermark
{
    public const int Size = 480;
    private const float FontSize = 84;
    private const float Spacing = 8; // letter-spacing, as the stamp always had

    /// <summary>Where the stamp's centre is (preview pixels) and how it is turned.</summary>
    public sealed record Stamp(float X, float Y, float Degrees)
    {
        /// <summary>The stamp's four corners in preview pixels.</summary>
        public SKPoint[] Corners()
        {
            var (w, h) = Extent();
            var turn = SKMatrix.CreateRotationDegrees(Degrees).PostConcat(SKMatrix.CreateTranslation(X, Y));
            return turn.MapPoints([new(-w / 2, -h / 2), new(w / 2, -h / 2), new(w / 2, h / 2), new(-w / 2, h / 2)]);
        }
    }

    /// <summary>The places tried, best first: the diagonal through the middle, then shifted up or down, then
    /// straight bands at the top and bottom.</summary>
    private static readonly Stamp[] Places =
    [
        new(240, 240, -30),
        new(240, 320, -30),
        new(240, 160, -30),
        new(240, 390, -30),
        new(240, 90, -30),
        new(240, 240, 30),
        new(240, 320, 30),
        new(240, 160, 30),
        new(240, 60, 0),
        new(240, 420, 0),
    ];

    /// <summary>The first place whose stamp misses every head (boxes in preview pixels); with none, the one that
    /// covers the least of them. Without heads, the middle diagonal.</summary>
    public static Stamp Place(IReadOnlyList<SKRect> heads) =>
        Places.FirstOrDefault(p => heads.All(h => !Overlaps(p.Corners(), h)))
        ?? Places.MinBy(p => heads.Count(h => Overlaps(p.Corners(), h)))!;

    /// <summary>Whether a turned rectangle and an upright one overlap (separating axes: the two rectangles'
    /// edges).</summary>
    public static bool Overlaps(SKPoint[] corners, SKRect box)
    {
        SKPoint[] upright =
        [
            new(box.Left, box.Top),
            new(box.Right, box.Top),
            new(box.Right, box.Bottom),
            new(box.Left, box.Bottom),
        ];
        SKPoint[] axes = [new(1, 0), new(0, 1), corners[1] - corners[0], corners[3] - corners[0]];
        foreach (var axis in axes)
        {
            var (a0, a1) = Project(corners, axis);
            var (b0, b1) = Project(upright, axis);
            if (a1 <= b0 || b1 <= a0)
                return false;
        }
        return true;
    }

    private static (float Min, float Max) Project(SKPoint[] points, SKPoint axis)
    {
        var values = points.Select(p => p.X * axis.X + p.Y * axis.Y).ToList();
        return (values.Min(), values.Max());
    }

    private static (float Width, float Height) Extent()
    {
        using var font = Font();
        return ("PREVIEW".Sum(c => font.MeasureText(c.ToString()) + Spacing), FontSize * 0.8f);
    }

    private static SKFont Font() =>
        new(SKTypeface.FromFamilyName("sans-serif", SKFontStyle.Bold) ?? SKTypeface.Default, FontSize);

    /// <param name="heads">The characters' heads in the picture, as parts of its width and height (0–1); empty
    /// when unknown.</param>
    public static byte[] Jpeg(byte[] original, IReadOnlyList<SKRect>? heads = null, int quality = 60)
    {
        using var source = Storage.Thumbnails.DecodeAtLeast(original, Size);
        using var surface = SKSurface.Create(new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("Could not create a drawing surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        // Cover: the largest centred square of the picture, scaled to the preview.
        Storage.Thumbnails.DrawSquare(canvas, source, Size);

        var place = Place([
            .. (heads ?? []).Select(h => new SKRect(h.Left * Size, h.Top * Size, h.Right * Size, h.Bottom * Size)),
        ]);
        using var font = Font();
        using var shadow = new SKPaint
        {
            Color = new SKColor(0, 0, 0, 115),
            IsAntialias = true,
            ImageFilter = SKImageFilter.CreateBlur(6, 6),
        };
        using var ink = new SKPaint { Color = new SKColor(255, 255, 255, 153), IsAntialias = true };
        const string text = "PREVIEW";
        var advances = text.Select(c => font.MeasureText(c.ToString()) + Spacing).ToArray();
        canvas.Save();
        canvas.Translate(place.X, place.Y);
        canvas.RotateDegrees(place.Degrees);
        var x = -advances.Sum() / 2 + Spacing / 2;
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
