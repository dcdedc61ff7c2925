namespace StorybookShop.Stories;

public sealed record StoryCreated(Guid Id, string Status, string StatusUrl);
