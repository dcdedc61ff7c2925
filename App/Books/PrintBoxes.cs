using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using StorybookShop.Catalog;

namespace StorybookShop.Books;

/// <summary>
/// Adds TrimBox and BleedBox to every page of a PDF by an incremental update (PDF 32000-1 §7.5.6):
/// new versions of the page objects and a small cross-reference section are appended, and the
/// original bytes, images included, are left untouched. Chromium writes only a MediaBox.
/// </summary>
public static partial class PrintBoxes
{
    /// <summary>The print file: TrimBox at the cut, BleedBox at the paper's edge.</summary>
    public static byte[] Add(byte[] pdf, BookFormat format) =>
        Update(pdf, format.PageInches, format.PageInches, format.BleedInches, crop: false);

    /// <summary>The same for any sheet (the cover wrap): the MediaBox set to exactly <paramref name="width"/> ×
    /// <paramref name="height"/> inches with bleed (anything drawn beyond it is cut), the trim <paramref name="bleed"/>
    /// inside every edge.</summary>
    public static byte[] Add(byte[] pdf, double width, double height, double bleed) =>
        Update(pdf, width, height, bleed, crop: false, exactMedia: true);

    /// <summary>
    /// The screen file from the same render: a CropBox at the trim, so viewers show exactly the 8.5 in
    /// page and the bleed stays out of sight. One Chromium render serves both files.
    /// </summary>
    public static byte[] CropToTrim(byte[] pdf, BookFormat format) =>
        Update(pdf, format.PageInches, format.PageInches, format.BleedInches, crop: true);

    private static byte[] Update(
        byte[] pdf,
        double widthInches,
        double heightInches,
        double bleedInches,
        bool crop,
        bool exactMedia = false
    )
    {
        var text = Encoding.Latin1.GetString(pdf);
        var inv = CultureInfo.InvariantCulture;
        string Points(double inches) => (inches * 72).ToString("0.###", inv);
        var bleed = Points(bleedInches);
        var (fullX, fullY) = (Points(widthInches), Points(heightInches));
        var (trimX, trimY) = (Points(widthInches - bleedInches), Points(heightInches - bleedInches));

        var trailer = Trailer().Matches(text) is { Count: > 0 } t
            ? t[^1]
            : throw new InvalidOperationException("No classic trailer: the PDF uses a cross-reference stream.");
        var startXref = StartXref().Matches(text) is { Count: > 0 } s
            ? s[^1].Groups[1].Value
            : throw new InvalidOperationException("No startxref.");

        var update = new StringBuilder("\n");
        var offsets = new SortedDictionary<int, long>();
        foreach (Match page in PageObject().Matches(text))
        {
            var number = int.Parse(page.Groups[1].Value, inv);
            var dict = page.Groups[2].Value;
            if (dict.Contains(crop ? "/CropBox" : "/TrimBox", StringComparison.Ordinal))
                continue;
            var media = MediaBox().Match(dict);
            if (!media.Success)
                continue;
            var boxes = crop
                ? $"\n/CropBox [{bleed} {bleed} {trimX} {trimY}]"
                : $"\n/TrimBox [{bleed} {bleed} {trimX} {trimY}]\n/BleedBox [0 0 {fullX} {fullY}]";
            var boxed = dict.Insert(media.Index + media.Length, boxes);
            if (exactMedia)
                boxed = boxed.Remove(media.Index, media.Length).Insert(media.Index, $"/MediaBox [0 0 {fullX} {fullY}]");
            offsets[number] = pdf.Length + Encoding.Latin1.GetByteCount(update.ToString());
            update.Append(inv, $"{number} 0 obj\n{boxed}\nendobj\n");
        }
        if (offsets.Count == 0)
            return pdf;

        var xrefAt = pdf.Length + Encoding.Latin1.GetByteCount(update.ToString());
        update.Append("xref\n");
        foreach (var (number, offset) in offsets)
            update.Append(inv, $"{number} 1\n{offset:D10} 00000 n \n");
        var dictionary = trailer.Groups[1].Value;
        update.Append(inv, $"trailer\n<<{dictionary}\n/Prev {startXref}>>\nstartxref\n{xrefAt}\n%%EOF\n");

        var result = new byte[pdf.Length + Encoding.Latin1.GetByteCount(update.ToString())];
        pdf.CopyTo(result, 0);
        Encoding.Latin1.GetBytes(update.ToString(), 0, update.Length, result, pdf.Length);
        return result;
    }

    // Page objects carry no stream, so the object ends at the first "endobj".
    [GeneratedRegex(@"(?<=\n)(\d+) 0 obj\s*(<<\s*/Type /Page\b(?!s).*?>>)\s*endobj", RegexOptions.Singleline)]
    private static partial Regex PageObject();

    [GeneratedRegex(@"/MediaBox\s*\[[^\]]*\]")]
    private static partial Regex MediaBox();

    [GeneratedRegex(@"trailer\s*<<(.*?)>>\s*startxref", RegexOptions.Singleline)]
    private static partial Regex Trailer();

    [GeneratedRegex(@"startxref\s+(\d+)")]
    private static partial Regex StartXref();
}
