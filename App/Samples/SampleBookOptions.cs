namespace StorybookShop.Samples;

public sealed class SampleBookOptions
{
    public const string Section = "SampleBook";

    /// <summary>Make a book when the app starts (scripts/run.sh turns this on).</summary>
    public bool Make { get; set; }

    /// <summary>Stop the app once the book is made (the make-book command).</summary>
    public bool ExitWhenDone { get; set; }
    public string ChildName { get; set; } = "Mia";
    public string AgeGroup { get; set; } = "3-5";
    public string Genre { get; set; } = "space";
    public string Language { get; set; } = "en";
    public string? Moral { get; set; }

    /// <summary>"Name:kind" pairs, comma-separated, e.g. "Rex:dog,Pip:owl".</summary>
    public string? Companions { get; set; }

    /// <summary>Colouring pages in the book and a colouring book beside it (the dev shop's setting is set to this
    /// for the book).</summary>
    public bool Colouring { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);
}
