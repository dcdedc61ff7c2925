namespace StorybookShop.Catalog;

/// <summary>An age band's reading rules (shared/DESIGN.md "Book facts").</summary>
public sealed record AgeBand(string Id, int WordsPerPage, int Pages, int Detail, double MaxGrade);
