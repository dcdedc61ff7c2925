using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace StorybookShop.Books;

/// <summary>
/// What poppler (Debian's poppler-utils: pdfinfo, pdffonts, pdfimages, pdftotext) measures in a PDF — the same tools
/// a print shop's preflight and our tests use, so the report states what is in the file, not what we meant to write.
/// </summary>
public static partial class Poppler
{
    public sealed record Box(double X0, double Y0, double X1, double Y1)
    {
        public double Width => X1 - X0;
        public double Height => Y1 - Y0;
    }

    public sealed record PageBoxes(int Page, Box Media, Box? Trim, Box? Bleed);

    public sealed record Font(string Name, bool Embedded);

    public sealed record Image(int Page, int Width, int Height, double XPpi, double YPpi);

    /// <summary>A word's box in points from the page's top-left corner.</summary>
    public sealed record Word(int Page, string Text, double XMin, double YMin, double XMax, double YMax);

    public static async Task<IReadOnlyList<PageBoxes>> BoxesAsync(string pdf, CancellationToken ct)
    {
        var output = await RunAsync("pdfinfo", ["-box", "-f", "1", "-l", "100000", pdf], ct);
        var pages = new Dictionary<int, Dictionary<string, Box>>();
        foreach (Match m in BoxLine().Matches(output))
        {
            var page = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            (pages.TryGetValue(page, out var boxes) ? boxes : pages[page] = [])[m.Groups[2].Value] = new Box(
                D(m.Groups[3]),
                D(m.Groups[4]),
                D(m.Groups[5]),
                D(m.Groups[6])
            );
        }
        return
        [
            .. pages
                .OrderBy(p => p.Key)
                .Select(p => new PageBoxes(
                    p.Key,
                    p.Value["MediaBox"],
                    p.Value.GetValueOrDefault("TrimBox"),
                    p.Value.GetValueOrDefault("BleedBox")
                )),
        ];
    }

    public static async Task<IReadOnlyList<Font>> FontsAsync(string pdf, CancellationToken ct)
    {
        var lines = (await RunAsync("pdffonts", [pdf], ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // name type encoding emb sub uni object ID — the name and the type may hold spaces: read from the right.
        return
        [
            .. lines
                .SkipWhile(l => !l.StartsWith("---", StringComparison.Ordinal))
                .Skip(1)
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f.Length >= 7)
                .Select(f => new Font(f[0], f[^5] == "yes")),
        ];
    }

    public static async Task<IReadOnlyList<Image>> ImagesAsync(string pdf, CancellationToken ct)
    {
        var lines = (await RunAsync("pdfimages", ["-list", pdf], ct)).Split(
            '\n',
            StringSplitOptions.RemoveEmptyEntries
        );
        // page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
        return
        [
            .. lines
                .Skip(2)
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f.Length >= 14 && f[2] == "image")
                .Select(f => new Image(
                    I(f[0]),
                    I(f[3]),
                    I(f[4]),
                    double.Parse(f[12], CultureInfo.InvariantCulture),
                    double.Parse(f[13], CultureInfo.InvariantCulture)
                )),
        ];
    }

    public static async Task<IReadOnlyList<Word>> WordsAsync(string pdf, CancellationToken ct)
    {
        var html = await RunAsync("pdftotext", ["-bbox", pdf, "-"], ct);
        var doc = XDocument.Parse(html);
        XNamespace x = "http://www.w3.org/1999/xhtml";
        return
        [
            .. doc.Descendants(x + "page")
                .SelectMany(
                    (page, i) =>
                        page.Elements(x + "word")
                            .Select(w => new Word(
                                i + 1,
                                w.Value,
                                A(w, "xMin"),
                                A(w, "yMin"),
                                A(w, "xMax"),
                                A(w, "yMax")
                            ))
                ),
        ];
    }

    private static double A(XElement e, string name) =>
        double.Parse((string)e.Attribute(name)!, CultureInfo.InvariantCulture);

    private static double D(Group g) => double.Parse(g.Value, CultureInfo.InvariantCulture);

    private static int I(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    private static async Task<string> RunAsync(string tool, IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{tool} exited with {process.ExitCode}: {(await stderr).Trim()}");
        return await stdout;
    }

    [GeneratedRegex(
        @"Page\s+(\d+)\s+(MediaBox|CropBox|BleedBox|TrimBox|ArtBox):\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)"
    )]
    private static partial Regex BoxLine();
}
