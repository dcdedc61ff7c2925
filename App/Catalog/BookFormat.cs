namespace StorybookShop.Catalog;

/// <summary>Trim and bleed of the printed book, in inches (shared/DESIGN.md "Book facts").</summary>
public sealed record BookFormat(double TrimInches, double BleedInches)
{
    public static readonly BookFormat Screen = new(8.5, 0);
    public static readonly BookFormat Print = new(8.5, 0.125);

    /// <summary>The square trims a shop may choose, in inches (common print-on-demand picture-book sizes).</summary>
    public static readonly double[] Trims = [8, 8.5, 10];

    public static BookFormat ForTrim(double? inches) =>
        inches is { } t && Trims.Contains(t) ? new(t, Print.BleedInches) : Print;

    public double PageInches => TrimInches + 2 * BleedInches;

    /// <summary>Paper thickness per page, in inches (KDP's figures for paperbacks).</summary>
    public static readonly IReadOnlyDictionary<string, double> PaperThickness = new Dictionary<string, double>
    {
        ["white"] = 0.002252,
        ["cream"] = 0.0025,
        ["color"] = 0.002347,
    };

    /// <summary>Pixels for a picture printed edge to edge (bleed included) at <paramref name="dpi"/>.</summary>
    public int PicturePixels(int dpi = 300) => (int)Math.Ceiling(PageInches * dpi);

    public double PagePoints => PageInches * 72;
}
