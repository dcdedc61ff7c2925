namespace StorybookShop.Stories;

public sealed record CompanionKind(string Id, string En, string Es, string Fr);
