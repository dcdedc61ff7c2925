namespace StorybookShop.Shopify;

/// <summary>A page of a Shopify connection, read with <c>nodes</c> and <c>pageInfo { hasNextPage endCursor
/// }</c>.</summary>
public sealed record Connection<T>(IReadOnlyList<T> Nodes, PageInfo? PageInfo)
{
    /// <summary>The cursor of the next page, or null on the last one (or when pageInfo was not asked for).</summary>
    public string? Next => PageInfo is { HasNextPage: true, EndCursor: { } cursor } ? cursor : null;
}
