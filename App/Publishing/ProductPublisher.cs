using System.Globalization;
using System.Net.Http.Headers;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Shopify;
using StorybookShop.Storage;

namespace StorybookShop.Publishing;

/// <summary>
/// Publishes a finished book as a Shopify digital product, one GraphQL call at a time, each safe to repeat:
/// the cover and preview pages go up through staged uploads; <c>productSet</c> upserts the product by a
/// handle derived from the story id (so a retry, or a crash after Shopify made the product, finds the same
/// product instead of creating a second); the product id is stored; <c>publishablePublish</c> puts it on the
/// Online Store. The variant needs no shipping; the book's files stay in our store and are delivered by link.
/// </summary>
public sealed partial class ProductPublisher(
    ShopifyGraphQL graphql,
    IAssetStore assets,
    IHttpClientFactory httpClients,
    IDbContextFactory<AppDbContext> contexts,
    IOptions<PublishingOptions> options,
    TimeProvider clock,
    ILogger<ProductPublisher> logger
)
{
    public static string Handle(Guid storyId) => $"storybook-{storyId:N}";

    /// <summary>A product with one option and one value, as productSet wants it spelled out.</summary>
    internal static readonly object[] SingleOption =
    [
        new { name = "Title", values = new[] { new { name = "Default Title" } } },
    ];

    /// <summary>The one variant of a digital book: the price, no shipping, no stock to track.</summary>
    internal static object[] DigitalVariant(string price) =>
        [
            new
            {
                optionValues = new[] { new { optionName = "Title", name = "Default Title" } },
                price,
                inventoryPolicy = "CONTINUE",
                inventoryItem = new { requiresShipping = false, tracked = false },
            },
        ];

    public const string StagedUploads = """
        mutation stagedUploadsCreate($input: [StagedUploadInput!]!) {
          stagedUploadsCreate(input: $input) { stagedTargets { url resourceUrl parameters { name value } }
            userErrors { field message } }
        }
        """;

    public const string ProductSet = """
        mutation productSet($identifier: ProductSetIdentifiers, $input: ProductSetInput!) {
          productSet(identifier: $identifier, input: $input, synchronous: true) { product { id handle status }
            userErrors { field message code } }
        }
        """;

    // 2 + 50 × (1 + 1) = 102 points. The Online Store is found by its catalog's title: Publication.name is deprecated
    // in 2026-10 ("Use Catalog.title instead"). A shop with many markets has many publications: read page by page.
    public const string Publications = """
        query publications($after: String) {
          publications(first: 50, after: $after) { pageInfo { hasNextPage endCursor } nodes { id catalog { title } } }
        }
        """;

    private sealed record StagedUploadsPayload(IReadOnlyList<StagedTarget> StagedTargets);

    private sealed record StagedTarget(string Url, string ResourceUrl, IReadOnlyList<StagedParameter> Parameters);

    private sealed record StagedParameter(string Name, string Value);

    private sealed record ProductPayload(ProductNode? Product);

    private sealed record ProductNode(string Id);

    private sealed record PublicationsData(Connection<PublicationNode> Publications);

    private sealed record PublicationNode(string Id, CatalogNode? Catalog);

    private sealed record CatalogNode(string Title);

    public const string Publish = """
        mutation publishablePublish($id: ID!, $input: [PublicationInput!]!) {
          publishablePublish(id: $id, input: $input) { userErrors { field message } }
        }
        """;

    public const string Unpublish = """
        mutation publishableUnpublish($id: ID!, $input: [PublicationInput!]!) {
          publishableUnpublish(id: $id, input: $input) { userErrors { field message } }
        }
        """;

    public const string Archive = """
        mutation productUpdate($product: ProductUpdateInput!) {
          productUpdate(product: $product) { product { id status } userErrors { field message } }
        }
        """;

    public async Task PublishAsync(Guid storyId, CancellationToken ct)
    {
        Story story;
        await using (var db = await contexts.CreateDbContextAsync(ct))
            story = await db
                .Stories.AsNoTracking()
                .Include(s => s.Pages)
                .Include(s => s.Shop)
                .SingleAsync(s => s.Id == storyId, ct);
        if (story.Status == StoryStatus.Published && story.ShopifyProductId is not null)
            return;
        if (!StoryLifecycle.Publish.Allows(story.Status))
            throw new PublishRefusedException($"Only a complete book can be published; this one is {story.Status}.");
        var shop = story.Shop!.Domain;
        var o = options.Value;

        // 1. The cover and the first pages, as product media, through staged uploads.
        var media = new List<(string Key, string Alt)> { (story.CoverImage!, $"{story.Title} — cover") };
        media.AddRange(
            story
                .Pages.OrderBy(p => p.Number)
                .Take(o.PreviewPages)
                .Where(p => p.ImageKey is not null)
                .Select(p => (p.ImageKey!, $"{story.Title} — page {p.Number}"))
        );
        var files = new List<(byte[] Bytes, string Name, string Alt)>();
        foreach (var (key, alt) in media)
            files.Add(
                (
                    await assets.GetAsync(key, ct) ?? throw new InvalidOperationException($"Asset {key} is missing."),
                    Path.GetFileName(key),
                    alt
                )
            );
        var targets = (
            await graphql.MutateAsync<StagedUploadsPayload>(
                shop,
                StagedUploads,
                "stagedUploadsCreate",
                new
                {
                    input = files
                        .Select(f => new
                        {
                            resource = "IMAGE",
                            filename = f.Name,
                            mimeType = "image/jpeg",
                            httpMethod = "POST",
                            fileSize = f.Bytes.Length.ToString(CultureInfo.InvariantCulture),
                        })
                        .ToList(),
                },
                ct
            )
        ).StagedTargets;
        if (targets.Count != files.Count)
            throw new InvalidOperationException(
                $"Shopify returned {targets.Count} upload targets for {files.Count} files."
            );
        for (var i = 0; i < files.Count; i++)
            await UploadAsync(targets[i], files[i].Bytes, files[i].Name, ct);
        var sources = targets.Select(t => t.ResourceUrl).ToList();

        // 2. The product, upserted by its handle: at most one per story, however often this runs.
        var settings = story.Shop.Settings;
        var price = (settings.Price ?? o.DefaultPrice).ToString("0.00", CultureInfo.InvariantCulture);
        var product = await graphql.MutateAsync<ProductPayload>(
            shop,
            ProductSet,
            "productSet",
            new
            {
                identifier = new { handle = Handle(story.Id) },
                input = new
                {
                    title = story.Title,
                    handle = Handle(story.Id),
                    descriptionHtml = Description(story),
                    productType = "Digital storybook",
                    status = "ACTIVE",
                    tags = new[] { "storybook", "digital" },
                    productOptions = SingleOption,
                    variants = DigitalVariant(price),
                    metafields = new[]
                    {
                        new
                        {
                            @namespace = "storybook",
                            key = "story_id",
                            type = "single_line_text_field",
                            value = story.Id.ToString(),
                        },
                    },
                    files = files
                        .Select(
                            (f, i) =>
                                new
                                {
                                    originalSource = sources[i],
                                    contentType = "IMAGE",
                                    alt = f.Alt,
                                }
                        )
                        .ToList(),
                },
            },
            ct
        );
        var productId = product.Product?.Id ?? throw new InvalidOperationException("productSet returned no product.");
        await using (var db = await contexts.CreateDbContextAsync(ct))
            await db
                .Stories.Where(s => s.Id == story.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.ShopifyProductId, productId), ct);

        // 3. On the Online Store.
        var publicationId = await PublicationIdAsync(shop, ct);
        await graphql.MutateAsync(
            shop,
            Publish,
            "publishablePublish",
            new { id = productId, input = new[] { new { publicationId } } },
            ct: ct
        );

        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var now = clock.GetUtcNow();
            await db
                .Stories.Where(s => s.Id == story.Id)
                .Where(StoryLifecycle.Publish.Allowed)
                .ExecuteUpdateAsync(
                    u =>
                        StoryLifecycle
                            .Publish.Set(u, now)
                            .SetProperty(s => s.PublishedAt, now)
                            .SetProperty(s => s.FailureReason, (string?)null),
                    ct
                );
        }
        Log.StoryPublished(logger, story.Id, productId, shop);
    }

    /// <summary>The product's description: the story's blurb and what the buyer gets (built as elements, escaped by
    /// construction).</summary>
    public static string Description(Story story) =>
        string.Concat(
            new XElement("p", story.Description ?? "").ToString(SaveOptions.DisableFormatting),
            new XElement(
                "p",
                $"A personalized picture book: PDF, "
                    + $"narration{(story.EpubKey is null ? "" : " and a read-along e-book")}, "
                    + $"delivered by link."
            ).ToString(SaveOptions.DisableFormatting)
        );

    /// <summary>Takes the product off the Online Store; the story is Complete again (and can be published
    /// again).</summary>
    public async Task UnpublishAsync(Story story, CancellationToken ct)
    {
        var shop = story.Shop!.Domain;
        if (story.ShopifyProductId is { } productId)
            await graphql.MutateAsync(
                shop,
                Unpublish,
                "publishableUnpublish",
                new { id = productId, input = new[] { new { publicationId = await PublicationIdAsync(shop, ct) } } },
                ct: ct
            );
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db
            .Stories.Where(s => s.Id == story.Id)
            .Where(StoryLifecycle.Unpublish.Allowed)
            .ExecuteUpdateAsync(u => StoryLifecycle.Unpublish.Set(u, clock.GetUtcNow()), ct);
    }

    /// <summary>An archived story's product is archived in Shopify too (kept for order history, hidden from
    /// sale).</summary>
    public Task ArchiveProductAsync(string shop, string productId, CancellationToken ct) =>
        graphql.MutateAsync(
            shop,
            Archive,
            "productUpdate",
            new { product = new { id = productId, status = "ARCHIVED" } },
            ct: ct
        );

    /// <summary>The id of the sales channel books go on (Publishing:PublicationName, the Online Store).</summary>
    public async Task<string> PublicationIdAsync(string shop, CancellationToken ct)
    {
        var name = options.Value.PublicationName;
        string? after = null;
        do
        {
            var page = (await graphql.QueryAsync<PublicationsData>(shop, Publications, new { after }, ct)).Publications;
            if (
                page.Nodes.FirstOrDefault(p =>
                    string.Equals(p.Catalog?.Title, name, StringComparison.OrdinalIgnoreCase)
                ) is
                { } found
            )
                return found.Id;
            after = page.Next;
        } while (after is not null);
        throw new PublishRefusedException($"The shop has no \"{name}\" sales channel to publish to.");
    }

    /// <summary>A staged upload target takes a multipart POST: its parameters first, the file last.</summary>
    private async Task UploadAsync(StagedTarget target, byte[] bytes, string name, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
#pragma warning disable CA2000 // each part is owned, and disposed, by the form it is added to
        foreach (var p in target.Parameters)
            form.Add(new StringContent(p.Value), p.Name);
        var file = new ByteArrayContent(bytes);
#pragma warning restore CA2000
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "file", name);
        using var response = await httpClients.CreateClient("shopify-uploads").PostAsync(target.Url, form, ct);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException(
                $"The staged upload of {name} failed with {(int)response.StatusCode}.",
                null,
                response.StatusCode
            );
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Story {StoryId} published as {ProductId} on {Shop}")]
        public static partial void StoryPublished(ILogger logger, Guid storyId, string productId, string shop);
    }
}
