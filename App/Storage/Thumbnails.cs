using SkiaSharp;

namespace StorybookShop.Storage;

/// <summary>
/// A picture at the size a list shows it: 480 px square (a 240 px tile on a 2× screen), stored beside the picture
/// (<c>…/01.jpg</c> → <c>…/01.thumb.jpg</c>) the first time the admin shows the story, so its story page loads
/// kilobytes, not the 1,536 px original — and a book nobody opens in the admin costs no thumbnails (they cost
/// ~0.4 s of CPU per 16-page book when the pipeline made them: docs/benchmarks.md).
/// </summary>
public static class Thumbnails
{
    public const int Size = 480;

    public static string KeyFor(string pictureKey) =>
        pictureKey.EndsWith(".jpg", StringComparison.Ordinal)
            ? pictureKey[..^4] + ".thumb.jpg"
            : pictureKey + ".thumb.jpg";

    /// <summary>Makes the thumbnails <paramref name="pictureKeys"/> lack (a story's first view in the admin, or a
    /// picture redrawn since); returns the pictures that have one now. The look-ups go out at once (with S3 each is
    /// a request); the drawing, a few at a time.</summary>
    public static async Task<IReadOnlySet<string>> EnsureAsync(
        IAssetStore assets,
        IEnumerable<string> pictureKeys,
        CancellationToken ct
    )
    {
        var keys = pictureKeys.Distinct().ToList();
        var exists = await Task.WhenAll(keys.Select(k => assets.ExistsAsync(KeyFor(k), ct)));
        var ready = new System.Collections.Concurrent.ConcurrentBag<string>(keys.Where((_, i) => exists[i]));
        await Parallel.ForEachAsync(
            keys.Where((_, i) => !exists[i]),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
            async (key, token) =>
            {
                if (await assets.GetAsync(key, token) is not { } picture)
                    return;
                await assets.PutAsync(KeyFor(key), Jpeg(picture), "image/jpeg", token);
                ready.Add(key);
            }
        );
        return ready.ToHashSet();
    }

    public static byte[] Jpeg(byte[] picture, int quality = 80)
    {
        using var source = DecodeAtLeast(picture, Size);
        using var square = new SKBitmap(Size, Size, SKColorType.Rgba8888, SKAlphaType.Premul);
        using (var canvas = new SKCanvas(square))
            DrawSquare(canvas, source, Size);
        using var data = square.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    /// <summary>
    /// The picture decoded at the smallest of the sizes a JPEG decodes to almost for free — 1/8, 1/4, 1/2 (the
    /// decoder's DCT scaling) or whole — whose shorter side is still at least <paramref name="side"/>: a 1,536 px
    /// picture is decoded at 768 px for a 480 px thumbnail, a quarter of the pixels and of the memory.
    /// </summary>
    public static SKBitmap DecodeAtLeast(byte[] picture, int side)
    {
        using var data = SKData.CreateCopy(picture);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidOperationException("The picture could not be decoded.");
        var shorter = Math.Min(codec.Info.Width, codec.Info.Height);
        var scale = new[] { 0.125f, 0.25f, 0.5f }.FirstOrDefault(s => shorter * s >= side, 1f);
        var size = codec.GetScaledDimensions(scale);
        var bitmap = new SKBitmap(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        if (codec.GetPixels(bitmap.Info, bitmap.GetPixels()) is SKCodecResult.Success or SKCodecResult.IncompleteInput)
            return bitmap;
        bitmap.Dispose();
        return SKBitmap.Decode(picture) ?? throw new InvalidOperationException("The picture could not be decoded.");
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
