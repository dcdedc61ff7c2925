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
public sealed class BookProduct(
    ShopifyGraphQL graphql,
    ProductPublisher publisher,
    IDbContextFactory<AppDbContext> contexts,
    IOptions<PublishingOptions> options
)
{
    public const string Handle = "personalized-storybook";

    private sealed record ProductPayload(ProductNode? Product);

    private sealed record ProductNode(string Id, string Handle, string Status);

    public sealed record SetUp(string ProductId, IReadOnlyList<string> BookProductIds);

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
        List<string> chosen = [.. (shop.Settings.BookProductIds ?? []).Append(numeric).Distinct()];
        shop.Settings = shop.Settings with { BookProductIds = chosen };
        await db.SaveChangesAsync(ct);
        return new SetUp(id, chosen);
    }
}
