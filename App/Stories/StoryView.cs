using StorybookShop.Data;

namespace StorybookShop.Stories;

public sealed record StoryView(
    Guid Id,
    string Status,
    decimal TotalCostUsd,
    string? Title,
    string? Description,
    string ChildName,
    string AgeGroup,
    string Genre,
    string Language,
    string? MoralLesson,
    IReadOnlyList<Companion> Companions,
    IReadOnlyList<Character> Characters,
    string? CoverImageUrl,
    string? PdfUrl,
    string? PrintPdfUrl,
    string? AudioUrl,
    string? EpubUrl,
    IReadOnlyList<PageView> Pages,
    int WordCount,
    int PageCount,
    long? GenerationTimeMs,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt
);
