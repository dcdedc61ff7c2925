namespace StorybookShop.Shopify;

public sealed record SessionToken(string Shop, string? UserId, string? SessionId, string Raw);
