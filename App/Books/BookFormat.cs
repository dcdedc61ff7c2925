namespace StorybookShop.Books;

/// <summary>Trim and bleed of the printed book, in inches (shared/DESIGN.md "Book facts").</summary>
public sealed record BookFormat(double TrimInches, double BleedInches)
{
    public static readonly BookFormat Screen = new(8.5, 0);
    public static readonly BookFormat Print = new(8.5, 0.125);
    /// <summary>The square trims a shop may choose, in inches (common print-on-demand picture-book sizes).</summary>
    public static readonly double[] Trims = [8, 8.5, 10];
    public static BookFormat ForTrim(double? inches) => inches is { } t && Trims.Contains(t) ? new(t,
        Print.BleedInches) : Print;
    public double PageInches => TrimInches + 2 * BleedInches;
    public double PagePoints => PageInches * 72;
}
