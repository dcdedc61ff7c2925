namespace StorybookShop.Shopify;

/// <summary>A mutation Shopify answered with userErrors: the request was understood and refused.</summary>
public sealed class ShopifyUserErrorsException(string operation, IReadOnlyList<UserError> errors)
    : Exception($"{operation}: " + string.Join("; ", errors.Select(e => $"{string.Join('.', e.Field)}: {e.Message}")))
{
    public IReadOnlyList<UserError> Errors { get; } = errors;
}
