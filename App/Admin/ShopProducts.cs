using StorybookShop.Shopify;

namespace StorybookShop.Admin;

/// <summary>The shop's products, for choosing the ones that sell personalized books in Settings.</summary>
public sealed partial class ShopProducts(ShopifyGraphQL graphql, ILogger<ShopProducts> logger)
{
    public const string Products = """
        query products { products(first: 50, sortKey: TITLE) { nodes { id title } } }
        """;

    public sealed record Product(string Id, string Title);

    private sealed record ProductsData(Connection<Product> Products);

    /// <summary>Up to 50 products (numeric id, title); null when Shopify cannot be asked (development shop, no token,
    /// refusal).</summary>
    public async Task<IReadOnlyList<Product>?> ListAsync(string shop, CancellationToken ct)
    {
        try
        {
            var data = await graphql.QueryAsync<ProductsData>(shop, Products, ct: ct);
            return [.. data.Products.Nodes.Select(p => new Product(p.Id["gid://shopify/Product/".Length..], p.Title))];
        }
        catch (Exception e) when (ShopifyRefusal.CouldNotAsk(e))
        {
            Log.ProductsNotListed(logger, shop, e.Message);
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Products of {Shop} not listed: {Reason}")]
        public static partial void ProductsNotListed(ILogger logger, string shop, string reason);
    }
}
