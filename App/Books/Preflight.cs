using System.Globalization;
using StorybookShop.Catalog;

namespace StorybookShop.Books;

/// <summary>
/// The print preflight: the interior and the cover wrap measured with poppler against the paperback rules for their
/// trim — page count and parity, trim and bleed on every page, every word inside the safe zone, fonts embedded, each
/// picture's resolution at its printed size; the cover's size, spine and barcode area.
/// </summary>
public static class Preflight
{
    public const int MinPages = 24,
        MaxPages = 828;
    public const double Tolerance = 0.001;
    public const double OutsideMargin = 0.25;
    public const int MinimumPpi = 300;

    /// <param name="Id">Stable name for the API (<c>pages</c>, <c>safe-zone</c>, …).</param>
    /// <param name="Fix">On a failed check: the setting or action that fixes it.</param>
    public sealed record Check(
        string Id,
        string Name,
        bool Passed,
        string Measured,
        string Expected,
        string? Fix = null
    );

    /// <summary>What the merchant does about each check that fails.</summary>
    public static readonly IReadOnlyDictionary<string, string> Fixes = new Dictionary<string, string>
    {
        ["pages"] = "Make the book again (Retry): its layout adds drawing pages up to an even count of at least 24.",
        ["parity"] = "Make the book again (Retry): its layout adds drawing pages up to an even count.",
        ["trim"] = "Choose the trim in Settings → Trim size, then make the book again.",
        ["bleed"] = "Make the book again: the print PDF is laid out with 0.125 in bleed on every side.",
        ["safe-zone"] = "Shorten the named page's text (Regenerate the page with shorter text).",
        ["fonts"] =
            "Make the book again; if it persists, install the book fonts on the node (docs/reader-and-print.md).",
        ["pictures"] =
            "Turn on Settings → Print resolution so that pictures are drawn at 300 DPI (offline pictures are also "
            + "redrawn when the package is made); a picture from an image model has the model's size — regenerate it "
            + "with the offline illustrator or upscale it for print.",
        ["cover-size"] = "Choose the paper in Settings → Paper, then make the print package again.",
        ["spine"] = "Choose the paper in Settings → Paper, then make the print package again.",
        ["barcode"] = "Make the print package again: the cover wrap keeps the barcode area clear.",
        ["cover-fonts"] = "Make the print package again; if it persists, install the book fonts on the node.",
    };

    public sealed record Report(
        bool Passed,
        IReadOnlyList<Check> Checks,
        double CoverWidth,
        double CoverHeight,
        double Spine,
        string Paper,
        int Pages,
        DateTimeOffset CheckedAt
    );

    /// <summary>The inside (gutter) margin for a book of this many pages (KDP: 0.375 in up to 150 pages, more
    /// after).</summary>
    public static double InsideMargin(int pages) =>
        pages switch
        {
            <= 150 => 0.375,
            <= 300 => 0.5,
            <= 500 => 0.625,
            <= 700 => 0.75,
            _ => 0.875,
        };

    public static async Task<Report> RunAsync(
        string interior,
        string cover,
        BookFormat format,
        CoverGeometry wrap,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var boxes = await Poppler.BoxesAsync(interior, ct);
        var checks = new List<Check>();
        checks.AddRange(Sheets(boxes, format));
        checks.Add(SafeZone(boxes, await Poppler.WordsAsync(interior, ct)));
        checks.Add(Fonts(await Poppler.FontsAsync(interior, ct)));
        checks.Add(Pictures(await Poppler.ImagesAsync(interior, ct)));
        checks.AddRange(await CoverAsync(cover, wrap, ct));
        checks = [.. checks.Select(c => c.Passed ? c : c with { Fix = Fixes[c.Id] })];
        return new Report(
            checks.All(c => c.Passed),
            checks,
            Math.Round(wrap.Width, 4),
            Math.Round(wrap.Height, 4),
            Math.Round(wrap.Spine, 4),
            wrap.Paper,
            boxes.Count,
            now
        );
    }

    /// <summary>Page count and parity; trim and bleed on every page.</summary>
    private static IEnumerable<Check> Sheets(IReadOnlyList<Poppler.PageBoxes> boxes, BookFormat format)
    {
        var n = boxes.Count;
        yield return new("pages", "Page count", n is >= MinPages and <= MaxPages, $"{n}", $"{MinPages}–{MaxPages}");
        yield return new("parity", "Even page count", n % 2 == 0, n % 2 == 0 ? "even" : "odd", "even");

        var trimPt = format.TrimInches * 72;
        var badTrim = boxes
            .Where(b => b.Trim is null || !Near(b.Trim.Width, trimPt) || !Near(b.Trim.Height, trimPt))
            .ToList();
        yield return new(
            "trim",
            "Trim size on every page",
            badTrim.Count == 0,
            badTrim.Count == 0
                ? $"{In(trimPt)} × {In(trimPt)} in"
                : $"wrong on {badTrim.Count} page(s), first {badTrim[0].Page}",
            $"{In(trimPt)} × {In(trimPt)} in"
        );
        var bleedPt = format.BleedInches * 72;
        var badBleed = boxes
            .Where(b =>
                b.Trim is null
                || b.Bleed is null
                || !Near(b.Trim.X0 - b.Bleed.X0, bleedPt)
                || !Near(b.Trim.Y0 - b.Bleed.Y0, bleedPt)
                || !Near(b.Bleed.X1 - b.Trim.X1, bleedPt)
                || !Near(b.Bleed.Y1 - b.Trim.Y1, bleedPt)
            )
            .ToList();
        yield return new(
            "bleed",
            "Bleed on every side of every page",
            badBleed.Count == 0,
            badBleed.Count == 0
                ? $"{In(bleedPt)} in"
                : $"missing on {badBleed.Count} page(s), first {badBleed[0].Page}",
            $"{In(bleedPt)} in"
        );
    }

    /// <summary>Every word inside the safe zone: the inside edge (left on odd pages, right on even ones) keeps the
    /// gutter's margin, the other edges 0.25 in.</summary>
    private static Check SafeZone(IReadOnlyList<Poppler.PageBoxes> boxes, IEnumerable<Poppler.Word> words)
    {
        var inside = InsideMargin(boxes.Count);
        var worst = double.MaxValue;
        Poppler.Word? worstWord = null;
        var outside = 0;
        foreach (var w in words)
        {
            var b = boxes[w.Page - 1];
            if (b.Trim is null)
                continue;
            var h = b.Media.Height;
            var left = (w.XMin - b.Trim.X0) / 72 - (w.Page % 2 == 1 ? inside : OutsideMargin);
            var right = (b.Trim.X1 - w.XMax) / 72 - (w.Page % 2 == 0 ? inside : OutsideMargin);
            var top = (w.YMin - (h - b.Trim.Y1)) / 72 - OutsideMargin;
            var bottom = ((h - b.Trim.Y0) - w.YMax) / 72 - OutsideMargin;
            var slack = Math.Min(Math.Min(left, right), Math.Min(top, bottom));
            if (slack < -Tolerance)
                outside++;
            if (slack < worst)
                (worst, worstWord) = (slack, w);
        }
        return new(
            "safe-zone",
            "All text inside the safe zone",
            outside == 0,
            worstWord is null ? "no text"
                : outside == 0 ? $"closest: {In(worst * 72)} in to spare (page {worstWord.Page})"
                : $"{outside} word(s) outside; worst \"{worstWord.Text}\" on page {worstWord.Page}, "
                    + $"{In(-worst * 72)} in over",
            $"inside {inside.ToString(CultureInfo.InvariantCulture)} in, "
                + $"other edges {OutsideMargin.ToString(CultureInfo.InvariantCulture)} in"
        );
    }

    private static Check Fonts(IReadOnlyList<Poppler.Font> fonts)
    {
        var loose = fonts.Where(f => !f.Embedded).Select(f => f.Name).Distinct().ToList();
        return new(
            "fonts",
            "Fonts embedded",
            loose.Count == 0,
            loose.Count == 0 ? $"{fonts.Count} font(s), all embedded" : $"not embedded: {string.Join(", ", loose)}",
            "all"
        );
    }

    private static Check Pictures(IReadOnlyList<Poppler.Image> images)
    {
        var low = images.Where(i => Math.Min(i.XPpi, i.YPpi) < MinimumPpi).ToList();
        var minPpi = images.Count == 0 ? 0 : images.Min(i => Math.Min(i.XPpi, i.YPpi));
        return new(
            "pictures",
            "Picture resolution at printed size",
            low.Count == 0,
            images.Count == 0 ? "no pictures"
                : low.Count == 0 ? $"lowest {minPpi:0} DPI"
                : $"{low.Count} picture(s) below {MinimumPpi} DPI, lowest {minPpi:0} DPI "
                    + $"(page {low.MinBy(i => i.XPpi)!.Page})",
            $"≥ {MinimumPpi} DPI"
        );
    }

    /// <summary>The cover wrap: its size, the spine (text only from the page count that allows it), a clear barcode
    /// area on the back, fonts embedded.</summary>
    private static async Task<List<Check>> CoverAsync(string cover, CoverGeometry wrap, CancellationToken ct)
    {
        var checks = new List<Check>();
        var cover1 = (await Poppler.BoxesAsync(cover, ct))[0];
        var sheet = cover1.Bleed ?? cover1.Media;
        var (coverWidth, coverHeight) = (sheet.Width / 72, sheet.Height / 72);
        checks.Add(
            new(
                "cover-size",
                "Cover size (back + spine + front, with bleed)",
                Math.Abs(coverWidth - wrap.Width) <= Tolerance && Math.Abs(coverHeight - wrap.Height) <= Tolerance,
                $"{coverWidth:0.000} × {coverHeight:0.000} in",
                $"{wrap.Width:0.000} × {wrap.Height:0.000} in"
            )
        );
        var coverWords = (await Poppler.WordsAsync(cover, ct)).ToList();
        var spineX0 = (wrap.Bleed + wrap.Trim) * 72;
        var spineX1 = spineX0 + wrap.Spine * 72;
        var onSpine = coverWords.Count(x => x.XMin >= spineX0 - 1 && x.XMax <= spineX1 + 1);
        checks.Add(
            new(
                "spine",
                "Spine",
                wrap.SpineText ? onSpine > 0 : onSpine == 0,
                $"{wrap.Spine:0.000} in, {(onSpine > 0 ? "with" : "no")} text",
                $"{wrap.Pages} pages × {BookFormat.PaperThickness[wrap.Paper]} in ({wrap.Paper}); "
                    + $"text from {CoverGeometry.SpineTextFromPages} pages"
            )
        );
        var bx1 = (wrap.Bleed + wrap.Trim - CoverGeometry.BarcodeMargin) * 72;
        var bx0 = bx1 - CoverGeometry.BarcodeWidth * 72;
        var by1 = (wrap.Height - wrap.Bleed - CoverGeometry.BarcodeMargin) * 72;
        var by0 = by1 - CoverGeometry.BarcodeHeight * 72;
        var inBarcode = coverWords.Count(x => x.XMax > bx0 && x.XMin < bx1 && x.YMax > by0 && x.YMin < by1);
        checks.Add(
            new(
                "barcode",
                "Clear barcode area on the back",
                inBarcode == 0,
                inBarcode == 0 ? "clear" : $"{inBarcode} word(s) in it",
                $"{CoverGeometry.BarcodeWidth} × {CoverGeometry.BarcodeHeight} in, bottom right"
            )
        );
        var coverFonts = await Poppler.FontsAsync(cover, ct);
        checks.Add(
            new(
                "cover-fonts",
                "Cover fonts embedded",
                coverFonts.All(f => f.Embedded),
                $"{coverFonts.Count(f => f.Embedded)} of {coverFonts.Count}",
                "all"
            )
        );
        return checks;
    }

    private static bool Near(double measured, double expected) => Math.Abs(measured - expected) <= Tolerance * 72;

    private static string In(double points) => (points / 72).ToString("0.###", CultureInfo.InvariantCulture);
}
