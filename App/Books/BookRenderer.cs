using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using StorybookShop.Rendering;

namespace StorybookShop.Books;

/// <summary>Turns the book's HTML into a PDF with the shared Chromium; print PDFs get TrimBox and BleedBox from qpdf.</summary>
public sealed partial class BookRenderer(Chromium chromium)
{
    public string QpdfPath { get; init; } = "/usr/bin/qpdf";

    /// <summary>Renders <paramref name="htmlFile"/> (images beside it, loaded by relative path).</summary>
    public async Task<byte[]> RenderAsync(string htmlFile, BookFormat format, CancellationToken ct)
    {
        var pdf = await chromium.WithPageAsync(async page =>
        {
            await page.GotoAsync(new Uri(htmlFile).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
            await page.EvaluateAsync("() => document.fonts.ready.then(() => true)");
            return await page.PdfAsync(new PagePdfOptions { PreferCSSPageSize = true, PrintBackground = true });
        }, ct);
        return format.BleedInches > 0 ? await AddPrintBoxesAsync(pdf, format, ct) : pdf;
    }

    /// <summary>
    /// Chromium writes only a MediaBox. A printer needs TrimBox (the cut) and BleedBox: qpdf's QDF form is
    /// plain text we can edit, fix-qdf mends the offsets, and a last qpdf pass compresses it again.
    /// </summary>
    private async Task<byte[]> AddPrintBoxesAsync(byte[] pdf, BookFormat format, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("print-pdf-");
        try
        {
            string In(string n) => Path.Combine(dir.FullName, n);
            await File.WriteAllBytesAsync(In("in.pdf"), pdf, ct);
            await Run(QpdfPath, ["--qdf", "--object-streams=disable", In("in.pdf"), In("qdf.pdf")], ct);
            var text = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(In("qdf.pdf"), ct));
            var inv = CultureInfo.InvariantCulture;
            var b = (format.BleedInches * 72).ToString("0.###", inv);
            var size = format.PagePoints;
            var trimEnd = (size - format.BleedInches * 72).ToString("0.###", inv);
            var full = size.ToString("0.###", inv);
            var edited = MediaBox().Replace(text, m => $"{m.Value}\n  /TrimBox [ {b} {b} {trimEnd} {trimEnd} ]\n  /BleedBox [ 0 0 {full} {full} ]");
            await File.WriteAllBytesAsync(In("edited.pdf"), Encoding.Latin1.GetBytes(edited), ct);
            await Run(Path.Combine(Path.GetDirectoryName(QpdfPath)!, "fix-qdf"), [In("edited.pdf")], ct, stdoutTo: In("fixed.pdf"));
            await Run(QpdfPath, ["--object-streams=generate", "--compress-streams=y", In("fixed.pdf"), In("out.pdf")], ct);
            return await File.ReadAllBytesAsync(In("out.pdf"), ct);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task Run(string file, IEnumerable<string> args, CancellationToken ct, string? stdoutTo = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        if (stdoutTo is not null)
        {
            await using var output = File.Create(stdoutTo);
            await process.StandardOutput.BaseStream.CopyToAsync(output, ct);
        }
        else await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        // qpdf exits 3 for warnings that still produce a good file.
        if (process.ExitCode is not (0 or 3))
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {(await stderr).Trim()}");
    }

    [GeneratedRegex(@"/MediaBox\s*\[[^\]]*\]")]
    private static partial Regex MediaBox();
}
