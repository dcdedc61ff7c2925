namespace StorybookShop.Catalog;

public sealed record CompanionKind(string Id, string En, string Es, string Fr);
