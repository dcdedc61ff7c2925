using SkiaSharp;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>What a person would see in a picture, measured: ink, edges, difference; and pictures kept in the test
/// output for a person to look at.</summary>
public static class Pictures
{
    /// <summary>Share of dark pixels (ink: each channel below 100).</summary>
    public static double DarkShare(SKBitmap bitmap)
    {
        var dark = 0;
        foreach (var c in bitmap.Pixels)
            if (c.Red < 100 && c.Green < 100 && c.Blue < 100)
                dark++;
        return dark / (double)bitmap.Pixels.Length;
    }

    /// <summary>Share of the line art's dark pixels that lie within 2 px of an edge of the colour picture (a Sobel
    /// gradient above a threshold).</summary>
    public static double InkOnEdges(SKBitmap line, SKBitmap colour)
    {
        var edges = Edges(colour);
        int w = line.Width,
            h = line.Height,
            ink = 0,
            near = 0;
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var c = line.GetPixel(x, y);
            if (c.Red >= 100 || c.Green >= 100 || c.Blue >= 100)
                continue;
            ink++;
            var found = false;
            for (var dy = -2; dy <= 2 && !found; dy++)
            for (var dx = -2; dx <= 2 && !found; dx++)
            {
                int nx = x + dx,
                    ny = y + dy;
                found = nx >= 0 && ny >= 0 && nx < w && ny < h && edges[ny * w + nx];
            }
            if (found)
                near++;
        }
        return ink == 0 ? 0 : near / (double)ink;
    }

    private static bool[] Edges(SKBitmap bitmap)
    {
        int w = bitmap.Width,
            h = bitmap.Height;
        var grey = new double[w * h];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var c = bitmap.GetPixel(x, y);
            grey[y * w + x] = 0.299 * c.Red + 0.587 * c.Green + 0.114 * c.Blue;
        }
        var edges = new bool[w * h];
        for (var y = 1; y < h - 1; y++)
        for (var x = 1; x < w - 1; x++)
        {
            double G(int dx, int dy) => grey[(y + dy) * w + x + dx];
            var gx = G(1, -1) + 2 * G(1, 0) + G(1, 1) - G(-1, -1) - 2 * G(-1, 0) - G(-1, 1);
            var gy = G(-1, 1) + 2 * G(0, 1) + G(1, 1) - G(-1, -1) - 2 * G(0, -1) - G(1, -1);
            edges[y * w + x] = Math.Sqrt(gx * gx + gy * gy) > 40;
        }
        return edges;
    }

    /// <summary>Mean absolute difference per channel (0–255) of two pictures of the same size.</summary>
    public static double MeanDifference(SKBitmap a, SKBitmap b)
    {
        double total = 0;
        var pa = a.Pixels;
        var pb = b.Pixels;
        for (var i = 0; i < pa.Length; i++)
            total +=
                Math.Abs(pa[i].Red - pb[i].Red)
                + Math.Abs(pa[i].Green - pb[i].Green)
                + Math.Abs(pa[i].Blue - pb[i].Blue);
        return total / (pa.Length * 3.0);
    }

    /// <summary>Pairs of pictures side by side, one pair per row, saved under the test output's artifacts and attached
    /// to the test.</summary>
    public static string ContactSheet(string name, IReadOnlyList<(SKBitmap Left, SKBitmap Right)> rows)
    {
        var cell = rows[0].Left.Width;
        var perRow = 4;
        var lines = (rows.Count + perRow / 2 - 1) / (perRow / 2);
        using var sheet = new SKBitmap(cell * perRow + 10, cell * lines + 10);
        using (var canvas = new SKCanvas(sheet))
        {
            canvas.Clear(SKColors.Gray);
            for (var i = 0; i < rows.Count; i++)
            {
                var x = i % (perRow / 2) * 2 * cell + 5;
                var y = i / (perRow / 2) * cell + 5;
                using var left = SKImage.FromBitmap(rows[i].Left);
                using var right = SKImage.FromBitmap(rows[i].Right);
                canvas.DrawImage(left, x, y, SKSamplingOptions.Default);
                canvas.DrawImage(right, x + cell, y, SKSamplingOptions.Default);
            }
        }
        return Save(name, sheet);
    }

    public static string Save(string name, SKBitmap bitmap)
    {
        var file = Path.Combine(TestContext.CurrentContext.WorkDirectory, "artifacts", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using (var data = bitmap.Encode(SKEncodedImageFormat.Png, 90))
        using (var stream = File.Create(file))
            data.SaveTo(stream);
        TestContext.AddTestAttachment(file, name);
        return file;
    }
}
