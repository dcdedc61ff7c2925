using StorybookShop.Catalog;

namespace StorybookShop.Books;

/// <summary>
/// The cover wrap's measures, in inches (KDP paperback rules): width = 2 × trim + spine + 2 × bleed, height = trim +
/// 2 × bleed, spine = interior pages × the paper's thickness; spine text only from 80 pages; the barcode area 2 × 1.2
/// in
/// at the bottom right of the back cover, inside its safe zone.
/// </summary>
public sealed record CoverGeometry(double Trim, double Bleed, int Pages, string Paper)
{
    public const int SpineTextFromPages = 80;
    public const double BarcodeWidth = 2,
        BarcodeHeight = 1.2;

    /// <summary>Distance of the barcode area from the back cover's trim edges (its right edge is the spine's
    /// fold).</summary>
    public const double BarcodeMargin = 0.25;

    public static CoverGeometry For(BookFormat format, int pages, string? paper) =>
        new(
            format.TrimInches,
            format.BleedInches,
            pages,
            paper is not null && BookFormat.PaperThickness.ContainsKey(paper) ? paper : "white"
        );

    public double Spine => Pages * BookFormat.PaperThickness[Paper];
    public double Width => 2 * Trim + Spine + 2 * Bleed;
    public double Height => Trim + 2 * Bleed;
    public bool SpineText => Pages >= SpineTextFromPages;

    /// <summary>From the sheet's right edge of the back cover (the spine fold) to the barcode area's right
    /// edge.</summary>
    public double BarcodeRight => Width - (Bleed + Trim) + BarcodeMargin;
    public double BarcodeBottom => Bleed + BarcodeMargin;
}
