using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>What poppler's pdfinfo and pdffonts say about a PDF: what a printer or a reader would see.</summary>
public sealed partial record PdfFacts(
    int Pages,
    double WidthPt,
    double HeightPt,
    string? CropBox,
    string? TrimBox,
    string? BleedBox,
    IReadOnlyList<(string Name, bool Embedded)> Fonts
)
{
    public static async Task<PdfFacts> ReadAsync(byte[] pdf)
    {
        var file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            var info = await Run("pdfinfo", "-box", file);
            var size = PageSize().Match(info);
            var fonts = (await Run("pdffonts", file))
                .Split('\n')
                .Skip(2)
                .Where(l => l.Trim().Length > 0)
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(p => (p[0], p[^5] == "yes"))
                .ToList();
            return new PdfFacts(
                int.Parse(PageCount().Match(info).Groups[1].Value, CultureInfo.InvariantCulture),
                double.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture),
                double.Parse(size.Groups[2].Value, CultureInfo.InvariantCulture),
                Box(info, "CropBox"),
                Box(info, "TrimBox"),
                Box(info, "BleedBox"),
                fonts
            );
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The text a reader would copy out of the PDF (poppler's pdftotext).</summary>
    public static async Task<string> TextAsync(byte[] pdf)
    {
        var file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            return await Run("pdftotext", file, "-");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The text of one page (pdftotext -f n -l n).</summary>
    public static async Task<string> PageTextAsync(byte[] pdf, int page)
    {
        var file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            return await Run("pdftotext", "-f", $"{page}", "-l", $"{page}", file, "-");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>One page as a person sees it (pdftoppm, PNG).</summary>
    public static async Task<SkiaSharp.SKBitmap> PageImageAsync(byte[] pdf, int page, int dpi = 40)
    {
        var file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            var psi = new System.Diagnostics.ProcessStartInfo("pdftoppm") { RedirectStandardOutput = true };
            foreach (var a in new[] { "-png", "-r", $"{dpi}", "-f", $"{page}", "-l", $"{page}", file })
                psi.ArgumentList.Add(a);
            using var process = System.Diagnostics.Process.Start(psi)!;
            using var png = new MemoryStream();
            await process.StandardOutput.BaseStream.CopyToAsync(png);
            await process.WaitForExitAsync();
            return SkiaSharp.SKBitmap.Decode(png.ToArray());
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>qpdf's structural check: the cross-reference sections, objects and streams are all sound.</summary>
    public static async Task<string> CheckAsync(byte[] pdf)
    {
        var file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            return await Run("qpdf", "--check", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string? Box(string info, string name)
    {
        var m = Regex.Match(info, name + @":\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)");
        return m.Success ? string.Join(' ', m.Groups.Values.Skip(1).Select(g => g.Value)) : null;
    }

    private static async Task<string> Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return output;
    }

    [GeneratedRegex(@"Pages:\s+(\d+)")]
    private static partial Regex PageCount();

    [GeneratedRegex(@"Page size:\s+([\d.]+) x ([\d.]+) pts")]
    private static partial Regex PageSize();
}
