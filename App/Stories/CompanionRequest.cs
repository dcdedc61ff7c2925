namespace StorybookShop.Stories;

/// <summary>A companion the shopper adds to the story (a pet, a toy, a friend).</summary>
public sealed record CompanionRequest(string? Name, string? Kind);
