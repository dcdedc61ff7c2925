namespace StorybookShop.Shopify;

public sealed record UserError(IReadOnlyList<string> Field, string Message, string? Code);
