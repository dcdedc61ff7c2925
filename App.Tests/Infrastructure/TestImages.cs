using SkiaSharp;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>Real JPEGs for fakes to answer with.</summary>
public static class TestImages
{
    public static byte[] Jpeg(SKColor colour, int size = 256)
    {
        using var bitmap = new SKBitmap(size, size);
        bitmap.Erase(colour);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 80);
        return data.ToArray();
    }
}
