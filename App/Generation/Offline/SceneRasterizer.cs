using SkiaSharp;
using Svg.Skia;

namespace StorybookShop.Generation.Offline;

/// <summary>
/// Turns a scene's SVG into a JPEG in-process (Svg.Skia on SkiaSharp): no browser, no page, milliseconds per picture,
/// so print resolution is affordable. The scene is drawn on white, scaled from its 1000×1000 box to the size asked.
/// </summary>
public static class SceneRasterizer
{
    public static byte[] Jpeg(string svg, int sizePx, int quality)
    {
        using var document = new SKSvg();
        using var picture = document.FromSvg(svg)
            ?? throw new InvalidOperationException("The scene's SVG could not be read.");
        var box = picture.CullRect;
        var info = new SKImageInfo(sizePx, sizePx, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info)
            ?? throw new InvalidOperationException("Could not create a drawing surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        canvas.Scale(sizePx / box.Width, sizePx / box.Height);
        canvas.Translate(-box.Left, -box.Top);
        canvas.DrawPicture(picture);
        canvas.Flush();
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }
}
