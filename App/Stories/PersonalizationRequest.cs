namespace StorybookShop.Stories;

/// <summary>What a shopper tells us about the child when ordering a book.</summary>
public sealed record PersonalizationRequest(
    string? ChildName,
    string? AgeGroup,
    string? Genre,
    string? Language,
    string? Moral,
    IReadOnlyList<CompanionRequest>? Companions
);
