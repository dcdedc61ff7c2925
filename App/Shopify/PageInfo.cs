namespace StorybookShop.Shopify;

public sealed record PageInfo(bool HasNextPage, string? EndCursor);
