using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Publishing;

/// <summary>
/// The app's own "Personalized storybook" product — what a shopper buys to have a book made — so that a merchant
/// sells on day one: made (or found again) by its handle with <c>productSet</c>, a digital variant at the Settings
/// price that needs no shipping, an app-owned metafield marking it; put on the Online Store; and chosen in
/// Settings → Book products, without which no paid order releases a book.
/// </summary>
public sealed partial class BookProduct(
    ShopifyGraphQL graphql,
    ILogger<BookProduct> logger,
    ProductPublisher publisher,
    IDbContextFactory<AppDbContext> contexts,
    IOptions<PublishingOptions> options
)
{
    public const string Handle = "personalized-storybook";

    private sealed record ProductPayload(ProductNode? Product);

    private sealed record ProductNode(string Id, string Handle, string Status);

    public sealed record SetUp(string ProductId, IReadOnlyList<string> BookProductIds);

    /// <summary>What the setup guide reads back from Shopify: each chosen book product as it is now.</summary>
    public const string StatesQuery = """
        query bookProducts($ids: [ID!]!) { nodes(ids: $ids) { ... on Product { id title status onlineStoreUrl } } }
        """;

    private sealed record StateNode(string? Id, string? Title, string? Status, string? OnlineStoreUrl);

    private sealed record StatesData(IReadOnlyList<StateNode?> Nodes);

    /// <summary>A chosen book product as Shopify has it: <see cref="Ready"/> when a shopper can buy it on the
    /// Online Store (active and published there); <see cref="Exists"/> false when it was deleted.</summary>
    public sealed record State(string Id, string? Title, string? Status, string? StoreUrl)
    {
        public bool Exists => Status is not null;
        public bool Ready => Status == "ACTIVE" && StoreUrl is not null;
    }

    /// <summary>The chosen book products (numeric ids) as Shopify has them now, in their order; null when Shopify
    /// cannot be asked (the local development shop, no token, Shopify unreachable).</summary>
    public async Task<IReadOnlyList<State>?> StatesAsync(
        string shop,
        IReadOnlyList<string> productIds,
        CancellationToken ct
    )
    {
        if (productIds.Count == 0)
            return [];
        try
        {
            var data = await graphql.QueryAsync<StatesData>(
                shop,
                StatesQuery,
                new { ids = productIds.Select(id => $"gid://shopify/Product/{id}").ToArray() },
                ct
            );
            return
            [
                .. productIds.Select(
                    (id, i) =>
                        data.Nodes.ElementAtOrDefault(i) is { Status: not null } n
                            ? new State(id, n.Title, n.Status, n.OnlineStoreUrl)
                            : new State(id, null, null, null)
                ),
            ];
        }
        catch (Exception e) when (ShopifyRefusal.CouldNotAsk(e))
        {
            Log.NotRead(logger, shop, e.Message);
            return null;
        }
    }

    public async Task<SetUp> SetUpAsync(Guid shopId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var shop = await db.Shops.SingleAsync(s => s.Id == shopId, ct);
        var price = (shop.Settings.Price ?? options.Value.DefaultPrice).ToString("0.00", CultureInfo.InvariantCulture);
        var product = await graphql.MutateAsync<ProductPayload>(
            shop.Domain,
            ProductPublisher.ProductSet,
            "productSet",
            new
            {
                identifier = new { handle = Handle },
                input = new
                {
                    title = "Personalized storybook",
                    handle = Handle,
                    descriptionHtml = "<p>A picture book written and illustrated for your child: their name, age, "
                        + "a theme and up to three companions. You get the PDF, the narration and a read-along "
                        + "e-book by link.</p>",
                    productType = "Personalized storybook",
                    status = "ACTIVE",
                    tags = new[] { "storybook", "digital", "personalized" },
                    productOptions = ProductPublisher.SingleOption,
                    variants = ProductPublisher.DigitalVariant(price),
                    metafields = new[]
                    {
                        new
                        {
                            @namespace = "$app:storybook",
                            key = "book_product",
                            type = "boolean",
                            value = "true",
                        },
                    },
                },
            },
            ct
        );
        var id = product.Product?.Id ?? throw new InvalidOperationException("productSet returned no product.");
        var publicationId = await publisher.PublicationIdAsync(shop.Domain, ct);
        await graphql.MutateAsync(
            shop.Domain,
            ProductPublisher.Publish,
            "publishablePublish",
            new { id, input = new[] { new { publicationId } } },
            ct: ct
        );
        // Book products are kept as Shopify's numeric ids (what an order's line carries).
        var numeric = id[(id.LastIndexOf('/') + 1)..];
        // A chosen product Shopify no longer has (deleted in the admin) leaves the list; the others stay.
        var before = shop.Settings.BookProductIds ?? [];
        var gone = (await StatesAsync(shop.Domain, before, ct) ?? []).Where(s => !s.Exists).Select(s => s.Id);
        List<string> chosen = [.. before.Except(gone).Append(numeric).Distinct()];
        shop.Settings = shop.Settings with { BookProductIds = chosen };
        await db.SaveChangesAsync(ct);
        return new SetUp(id, chosen);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Book products of {Shop} not read back: {Reason}")]
        public static partial void NotRead(ILogger logger, string shop, string reason);
    }
}
