using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>
/// What the fake Shopify's Admin GraphQL answers about products, as the real one does: staged upload targets
/// on the fake server, <c>productSet</c> upserting by handle (refusing files that were never uploaded),
/// publications, <c>publishablePublish</c>/<c>publishableUnpublish</c>, <c>productUpdate</c>. Install it with
/// <c>shopify.Answer = catalog.Answer</c>; every document and its variables stay in <c>GraphQLCalls</c>.
/// </summary>
public sealed class FakeShopifyCatalog(FakeShopify shopify)
{
    public sealed class Product
    {
        public required string Id { get; init; }
        public required string Shop { get; init; }
        public required string Handle { get; init; }
        public required JsonNode Input { get; set; }
        public string Status { get; set; } = "ACTIVE";
        public HashSet<string> Publications { get; } = [];
    }

    /// <summary>An order as the fulfillment API sees it: line items (with their custom attributes) in one open fulfillment order.</summary>
    public sealed class Order
    {
        public required string Id { get; init; }
        public List<(string LineItemId, Dictionary<string, string> Attributes, int Remaining)> Lines { get; } = [];
        public List<JsonNode> Fulfillments { get; } = [];
        /// <summary>Line item id → the product it is of (gid), for lines bought as a published product.</summary>
        public Dictionary<string, string> LineProducts { get; } = [];
    }

    public ConcurrentDictionary<string, Order> Orders { get; } = new();

    /// <summary>A shop's own products (numeric id, title), as the products query lists them.</summary>
    public ConcurrentDictionary<string, List<(string Id, string Title)>> ShopProducts { get; } = new();

    private int _next = 1000;
    public ConcurrentDictionary<string, Product> Products { get; } = new();
    public const string OnlineStore = "gid://shopify/Publication/11";
    /// <summary>Operations (by field name) to fail once with a top-level GraphQL error, as a crash between calls would look.</summary>
    public ConcurrentQueue<string> FailOnce { get; } = new();
    private readonly ConcurrentDictionary<string, string> _staged = new();

    public JsonNode? Answer(FakeShopify.GraphQLCall call)
    {
        var q = call.Query;
        var v = call.Variables ?? new JsonObject();
        foreach (var op in new[] { "stagedUploadsCreate", "productSet", "publications", "publishablePublish",
            "publishableUnpublish", "productUpdate", "fulfillmentCreate", "order", "products" })
            if (q.Contains(op + "(", StringComparison.Ordinal) || q.Contains(op + " {", StringComparison.Ordinal))
            {
                if (FailOnce.TryPeek(out var f) && f == op && FailOnce.TryDequeue(out _))
                    throw new FakeShopify.GraphQLErrorException(
                        $"Internal error in {op}. Looks like something went wrong on our end.");
                return op switch
                {
                    "stagedUploadsCreate" => Staged(v),
                    "productSet" => ProductSet(call.Shop, v),
                    "publications" => new JsonObject { ["publications"] = new JsonObject { ["nodes"] = new JsonArray(
                        new JsonObject { ["id"] = OnlineStore, ["name"] = "Online Store" },
                            new JsonObject { ["id"] = "gid://shopify/Publication/12", ["name"] = "Point of Sale" }) } },
                    "publishablePublish" => Publication(v, add: true),
                    "publishableUnpublish" => Publication(v, add: false),
                    "fulfillmentCreate" => FulfillmentCreate(v),
                    "order" => OrderQuery(v, shopify.ScopesOf(call)),
                    "products" => new JsonObject { ["products"] = new JsonObject { ["nodes"] = new JsonArray(
                        [.. ShopProducts.GetValueOrDefault(call.Shop, []).Select(p => (JsonNode)new JsonObject
                            { ["id"] = $"gid://shopify/Product/{p.Id}", ["title"] = p.Title })]) } },
                    _ => ProductUpdate(v),
                };
            }
        return new JsonObject();
    }

    private JsonObject Staged(JsonNode v)
    {
        var targets = new JsonArray();
        foreach (var input in v["input"]!.AsArray())
        {
            var id = Guid.NewGuid().ToString("N");
            var name = input!["filename"]!.GetValue<string>();
            var resource = $"https://shopify-staged-uploads.storage.googleapis.com/tmp/{id}/{name}";
            _staged[resource] = id;
            targets.Add(new JsonObject
            {
                ["url"] = $"{shopify.BaseAddress.ToString().TrimEnd('/')}/uploads/{id}", ["resourceUrl"] = resource,
                ["parameters"] = new JsonArray(new JsonObject { ["name"] = "key", ["value"] = $"tmp/{id}/{name}" },
                    new JsonObject { ["name"] = "Content-Type", ["value"] = input["mimeType"]!.GetValue<string>() },
                        new JsonObject { ["name"] = "policy", ["value"] = "eyJleHBpcmF0aW9uIjoi" }),
            });
        }
        return new JsonObject { ["stagedUploadsCreate"] = new JsonObject { ["stagedTargets"] = targets,
            ["userErrors"] = new JsonArray() } };
    }

    private JsonObject ProductSet(string shop, JsonNode v)
    {
        var input = v["input"]!;
        var handle = v["identifier"]?["handle"]?.GetValue<string>() ?? input["handle"]?.GetValue<string>()
            ?? Guid.NewGuid().ToString("N");
        var errors = new JsonArray();
        var files = input["files"]?.AsArray() ?? [];
        for (var i = 0; i < files.Count; i++)
        {
            var source = files[i]!["originalSource"]!.GetValue<string>();
            if (!_staged.TryGetValue(source, out var id) || !shopify.Uploads.ContainsKey(id))
                errors.Add(new JsonObject { ["field"] = new JsonArray("input", "files",
                    i.ToString(System.Globalization.CultureInfo.InvariantCulture), "originalSource"),
                        ["message"] = "File could not be found.", ["code"] = "INVALID" });
        }
        if (input["title"] is null) errors.Add(new JsonObject { ["field"] = new JsonArray("input", "title"),
            ["message"] = "Title can't be blank", ["code"] = "BLANK" });
        if (errors.Count > 0) return new JsonObject { ["productSet"] = new JsonObject { ["product"] = null,
            ["userErrors"] = errors } };
        var product = Products.Values.FirstOrDefault(p => p.Shop == shop && p.Handle == handle);
        if (product is null)
        {
            product = new Product { Id = $"gid://shopify/Product/{Interlocked.Increment(ref _next)}", Shop = shop,
                Handle = handle, Input = input.DeepClone() };
            Products[product.Id] = product;
        }
        else product.Input = input.DeepClone();
        product.Status = input["status"]?.GetValue<string>() ?? product.Status;
        return new JsonObject
        {
            ["productSet"] = new JsonObject { ["product"] = new JsonObject { ["id"] = product.Id,
                ["handle"] = product.Handle, ["status"] = product.Status }, ["userErrors"] = new JsonArray() },
        };
    }

    private JsonObject Publication(JsonNode v, bool add)
    {
        var field = add ? "publishablePublish" : "publishableUnpublish";
        if (!Products.TryGetValue(v["id"]!.GetValue<string>(), out var product))
            return new JsonObject { [field] = new JsonObject { ["userErrors"] = new JsonArray(
                new JsonObject { ["field"] = new JsonArray("id"), ["message"] = "Product does not exist" }) } };
        foreach (var p in v["input"]!.AsArray())
        {
            var id = p!["publicationId"]!.GetValue<string>();
            if (add) product.Publications.Add(id); else product.Publications.Remove(id);
        }
        return new JsonObject { [field] = new JsonObject { ["userErrors"] = new JsonArray() } };
    }

    private JsonObject OrderQuery(JsonNode v, string scopes)
    {
        var id = v["id"]!.GetValue<string>().Replace("gid://shopify/Order/", "", StringComparison.Ordinal);
        if (!Orders.TryGetValue(id, out var order)) return new JsonObject { ["order"] = null };
        // An app sees only the fulfillment orders its scopes cover: these are at the merchant's own location.
        if (!FakeShopify.Has(scopes, "read_merchant_managed_fulfillment_orders"))
            return new JsonObject { ["order"] = new JsonObject { ["fulfillmentOrders"] = new JsonObject { ["nodes"] = new JsonArray() } } };
        lock (order)
        {
            var open = order.Lines.Any(l => l.Remaining > 0);
            return new JsonObject
            {
                ["order"] = new JsonObject
                {
                    ["fulfillmentOrders"] = new JsonObject { ["nodes"] = new JsonArray(new JsonObject
                    {
                        ["id"] = $"gid://shopify/FulfillmentOrder/{order.Id}1", ["status"] = open ? "OPEN" : "CLOSED",
                        ["lineItems"] = new JsonObject { ["nodes"] = new JsonArray(order.Lines.Select(l =>
                            (JsonNode)new JsonObject
                        {
                            ["id"] = $"gid://shopify/FulfillmentOrderLineItem/{l.LineItemId}",
                                ["remainingQuantity"] = l.Remaining,
                            ["lineItem"] = new JsonObject
                            {
                                ["id"] = $"gid://shopify/LineItem/{l.LineItemId}",
                                ["product"] = order.LineProducts.TryGetValue(l.LineItemId,
                                    out var product) ? new JsonObject { ["id"] = product } : null,
                                ["customAttributes"] = new JsonArray(l.Attributes.Select(a =>
                                    (JsonNode)new JsonObject { ["key"] = a.Key, ["value"] = a.Value }).ToArray()),
                            },
                        }).ToArray()) },
                    }) },
                },
            };
        }
    }

    private JsonObject FulfillmentCreate(JsonNode v)
    {
        var f = v["fulfillment"]!;
        var errors = new JsonArray();
        foreach (var group in f["lineItemsByFulfillmentOrder"]!.AsArray())
        {
            var orderId = group!["fulfillmentOrderId"]!.GetValue<string>().Replace("gid://shopify/FulfillmentOrder/",
                "", StringComparison.Ordinal)[..^1];
            if (!Orders.TryGetValue(orderId,
                out var order)) { errors.Add(new JsonObject { ["field"] = new JsonArray("fulfillment"),
                    ["message"] = "Fulfillment order does not exist." }); continue; }
            lock (order)
            {
                foreach (var item in group["fulfillmentOrderLineItems"]!.AsArray())
                {
                    var lineId = item!["id"]!.GetValue<string>().Replace("gid://shopify/FulfillmentOrderLineItem/", "",
                        StringComparison.Ordinal);
                    var index = order.Lines.FindIndex(l => l.LineItemId == lineId);
                    var quantity = item["quantity"]!.GetValue<int>();
                    if (index < 0 || order.Lines[index].Remaining < quantity)
                    {
                        errors.Add(new JsonObject { ["field"] = new JsonArray("fulfillment",
                            "lineItemsByFulfillmentOrder"),
                                ["message"] = "Invalid fulfillment order line item quantity requested." });
                        continue;
                    }
                    order.Lines[index] = order.Lines[index] with { Remaining = order.Lines[index].Remaining - quantity };
                }
                if (errors.Count == 0) order.Fulfillments.Add(v.DeepClone());
            }
        }
        var id = $"gid://shopify/Fulfillment/{Interlocked.Increment(ref _next)}";
        return new JsonObject { ["fulfillmentCreate"] = new JsonObject
        {
            ["fulfillment"] = errors.Count > 0 ? null : new JsonObject { ["id"] = id, ["status"] = "SUCCESS" },
                ["userErrors"] = errors,
        } };
    }

    private JsonObject ProductUpdate(JsonNode v)
    {
        var input = v["product"]!;
        if (!Products.TryGetValue(input["id"]!.GetValue<string>(), out var product))
            return new JsonObject { ["productUpdate"] = new JsonObject { ["product"] = null,
                ["userErrors"] = new JsonArray(new JsonObject { ["field"] = new JsonArray("id"),
                    ["message"] = "Product does not exist" }) } };
        product.Status = input["status"]?.GetValue<string>() ?? product.Status;
        return new JsonObject { ["productUpdate"] = new JsonObject { ["product"] = new JsonObject { ["id"] = product.Id, ["status"] = product.Status }, ["userErrors"] = new JsonArray() } };
    }
}
