namespace StorybookShop.Stories;

public sealed record StoryStatusView(Guid Id, string Status, string? Stage, int PercentDone, string? Error);
