using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>
/// What the fake Shopify's Admin GraphQL knows about a shop's products and orders, answered by root field as the
/// real one would: staged upload targets on the fake server, <c>productSet</c> upserting by handle (refusing files
/// that were never uploaded), publications with their catalogs, <c>publishablePublish</c>/<c>Unpublish</c>,
/// <c>productUpdate</c>, orders with their fulfillment orders, <c>fulfillmentOrder</c>, <c>fulfillmentCreate</c>.
/// Each answer holds the whole object (every list whole): the contract oracle keeps only what the query asked for,
/// pages connections by first/after and checks every value against the schema. Install it with
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

    /// <summary>
    /// An order as the fulfillment API sees it: line items (with their custom attributes) in fulfillment orders —
    /// one open fulfillment order at the merchant's location unless <see cref="FulfillmentOrderOf"/> puts a line in
    /// another (Shopify splits an order by location).
    /// </summary>
    public sealed class Order
    {
        public required string Id { get; init; }
        public List<(string LineItemId, Dictionary<string, string> Attributes, int Remaining)> Lines { get; } = [];
        public List<JsonNode> Fulfillments { get; } = [];

        /// <summary>The order's fulfillments as Shopify lists them: the app's, and Shopify's own when the shop
        /// fulfils automatically (<see cref="FulfilAutomatically"/>).</summary>
        public List<Made> Made { get; } = [];

        /// <summary>Line item id → the product it is of (gid), for lines bought as a published product.</summary>
        public Dictionary<string, string> LineProducts { get; } = [];

        /// <summary>Line item id → its fulfillment order's number (1 when absent).</summary>
        public Dictionary<string, int> FulfillmentOrderOf { get; } = [];

        public int FulfillmentOrderCount =>
            Lines.Count == 0 ? 1 : Lines.Max(l => FulfillmentOrderOf.GetValueOrDefault(l.LineItemId, 1));

        public string FulfillmentOrderId(int number) =>
            $"gid://shopify/FulfillmentOrder/{Id}{number.ToString("D2", CultureInfo.InvariantCulture)}";
    }

    public ConcurrentDictionary<string, Order> Orders { get; } = new();

    /// <summary>A fulfillment: its lines, the tracking URLs on it and whether the customer was notified of an
    /// update.</summary>
    public sealed class Made
    {
        public required string Id { get; init; }
        public required List<string> LineItemIds { get; init; }
        public List<string> TrackingUrls { get; } = [];
        public int Notifications { get; set; }
    }

    /// <summary>What Shopify does at payment in a shop that fulfils orders automatically: every line fulfilled by
    /// Shopify itself, the fulfillment orders closed.</summary>
    public Made FulfilAutomatically(Order order)
    {
        lock (order)
        {
            var made = new Made
            {
                Id = $"gid://shopify/Fulfillment/{Interlocked.Increment(ref _next)}",
                LineItemIds = [.. order.Lines.Select(l => l.LineItemId)],
            };
            for (var i = 0; i < order.Lines.Count; i++)
                order.Lines[i] = order.Lines[i] with { Remaining = 0 };
            order.Made.Add(made);
            return made;
        }
    }

    /// <summary>Each shop's time zone (<c>shop.ianaTimezone</c>); Etc/UTC when not set.</summary>
    public ConcurrentDictionary<string, string> TimeZones { get; } = new();

    /// <summary>Each shop's currency (<c>shop.currencyCode</c>); USD when not set.</summary>
    public ConcurrentDictionary<string, string> Currencies { get; } = new();

    /// <summary>The Billing API: subscriptions, usage records, caps.</summary>
    public FakeShopifyBilling Billing { get; } = new(shopify);

    /// <summary>A shop's own products (numeric id, title), as the products query lists them.</summary>
    public ConcurrentDictionary<string, List<(string Id, string Title)>> ShopProducts { get; } = new();

    private int _next = 1000;
    public ConcurrentDictionary<string, Product> Products { get; } = new();
    public const string OnlineStore = "gid://shopify/Publication/11";

    /// <summary>
    /// The shop's publications with their catalogs' titles, in Shopify's order: a point of sale and a market catalog
    /// first. Tests add more (a shop with many markets) to push the Online Store past a page.
    /// </summary>
    public List<(string Id, string CatalogType, string Title)> Publications { get; } =
    [
        ("gid://shopify/Publication/12", "AppCatalog", "Point of Sale"),
        ("gid://shopify/Publication/13", "MarketCatalog", "Canada"),
        (OnlineStore, "AppCatalog", "Online Store"),
    ];

    /// <summary>When set, <c>fulfillmentCreate</c> answers with this userError (a fulfillment order on hold,
    /// say).</summary>
    public string? RefuseFulfillments { get; set; }

    /// <summary>Operations (by root field) to fail once with a top-level GraphQL error, as a crash between calls would
    /// look.</summary>
    public ConcurrentQueue<string> FailOnce { get; } = new();
    private readonly ConcurrentDictionary<string, string> _staged = new();

    public JsonNode? Answer(FakeShopify.GraphQLCall call)
    {
        var v = call.Variables ?? new JsonObject();
        var data = new JsonObject();
        foreach (var field in call.RootFields)
        {
            if (FailOnce.TryPeek(out var f) && f == field && FailOnce.TryDequeue(out _))
                throw new FakeShopify.GraphQLErrorException(
                    $"Internal error in {field}. Looks like something went wrong on our end."
                );
            data[field] = field switch
            {
                "stagedUploadsCreate" => Staged(v),
                "productSet" => ProductSet(call.Shop, v),
                "publications" => new JsonObject
                {
                    ["nodes"] = new JsonArray([
                        .. Publications.Select(p =>
                            (JsonNode)
                                new JsonObject
                                {
                                    ["id"] = p.Id,
                                    ["name"] = p.Title,
                                    ["catalog"] = new JsonObject
                                    {
                                        ["__typename"] = p.CatalogType,
                                        ["id"] = p.Id.Replace("Publication", p.CatalogType, StringComparison.Ordinal),
                                        ["title"] = p.Title,
                                    },
                                }
                        ),
                    ]),
                },
                "publishablePublish" => Publication(v, add: true),
                "publishableUnpublish" => Publication(v, add: false),
                "fulfillmentCreate" => FulfillmentCreate(v),
                "fulfillmentTrackingInfoUpdate" => TrackingUpdate(v),
                "order" => OrderNode(v["id"]!.GetValue<string>(), shopify.ScopesOf(call)),
                "fulfillmentOrder" => FulfillmentOrderNode(v["id"]!.GetValue<string>()),
                "products" => new JsonObject
                {
                    ["nodes"] = new JsonArray([
                        .. ShopProducts
                            .GetValueOrDefault(call.Shop, [])
                            .Select(p =>
                                (JsonNode)
                                    new JsonObject { ["id"] = $"gid://shopify/Product/{p.Id}", ["title"] = p.Title }
                            ),
                    ]),
                },
                "productUpdate" => ProductUpdate(v),
                "nodes" => new JsonArray([
                    .. v["ids"]!.AsArray().Select(id => NodeOf(call.Shop, id!.GetValue<string>())),
                ]),
                "shop" => new JsonObject
                {
                    ["id"] = "gid://shopify/Shop/1",
                    ["name"] = call.Shop,
                    ["ianaTimezone"] = TimeZones.GetValueOrDefault(call.Shop, "Etc/UTC"),
                    ["currencyCode"] = Currencies.GetValueOrDefault(call.Shop, "USD"),
                    ["plan"] = new JsonObject
                    {
                        ["partnerDevelopment"] = Billing.DevelopmentStores.GetValueOrDefault(call.Shop),
                        ["shopifyPlus"] = false,
                        ["publicDisplayName"] = Billing.DevelopmentStores.GetValueOrDefault(call.Shop)
                            ? "Development"
                            : "Basic",
                    },
                },
                _ when FakeShopifyBilling.Fields.Contains(field) => Billing.Answer(field, call, v),
                _ => throw new FakeShopify.GraphQLErrorException($"The fake does not model {field} yet."),
            };
        }
        return data;
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
            targets.Add(
                new JsonObject
                {
                    ["url"] = $"{shopify.BaseAddress.ToString().TrimEnd('/')}/uploads/{id}",
                    ["resourceUrl"] = resource,
                    ["parameters"] = new JsonArray(
                        new JsonObject { ["name"] = "key", ["value"] = $"tmp/{id}/{name}" },
                        new JsonObject { ["name"] = "Content-Type", ["value"] = input["mimeType"]!.GetValue<string>() },
                        new JsonObject { ["name"] = "policy", ["value"] = "eyJleHBpcmF0aW9uIjoi" }
                    ),
                }
            );
        }
        return new JsonObject { ["stagedTargets"] = targets, ["userErrors"] = new JsonArray() };
    }

    private JsonObject ProductSet(string shop, JsonNode v)
    {
        var input = v["input"]!;
        var handle = v["identifier"]?["handle"]?.GetValue<string>()
            ?? input["handle"]?.GetValue<string>()
            ?? Guid.NewGuid().ToString("N");
        var errors = new JsonArray();
        var files = input["files"]?.AsArray() ?? [];
        for (var i = 0; i < files.Count; i++)
        {
            var source = files[i]!["originalSource"]!.GetValue<string>();
            if (!_staged.TryGetValue(source, out var id) || !shopify.Uploads.ContainsKey(id))
                errors.Add(
                    UserError(
                        ["input", "files", i.ToString(CultureInfo.InvariantCulture), "originalSource"],
                        "File could not be found.",
                        "INVALID_INPUT"
                    )
                );
        }
        if (input["title"] is null || input["title"]!.GetValue<string>().Length == 0)
            errors.Add(UserError(["input", "title"], "Title can't be blank", "INVALID_PRODUCT"));
        if (errors.Count > 0)
            return new JsonObject { ["product"] = null, ["userErrors"] = errors };
        var product = Products.Values.FirstOrDefault(p => p.Shop == shop && p.Handle == handle);
        if (product is null)
        {
            product = new Product
            {
                Id = $"gid://shopify/Product/{Interlocked.Increment(ref _next)}",
                Shop = shop,
                Handle = handle,
                Input = input.DeepClone(),
            };
            Products[product.Id] = product;
        }
        else
            product.Input = input.DeepClone();
        product.Status = input["status"]?.GetValue<string>() ?? product.Status;
        return new JsonObject { ["product"] = ProductNode(product), ["userErrors"] = new JsonArray() };
    }

    private static JsonObject ProductNode(Product p) =>
        new()
        {
            ["__typename"] = "Product",
            ["id"] = p.Id,
            // Null unless the product is published on the Online Store (Shopify's rule for onlineStoreUrl).
            ["onlineStoreUrl"] = p.Publications.Contains(OnlineStore) ? $"https://{p.Shop}/products/{p.Handle}" : null,
            ["handle"] = p.Handle,
            ["status"] = p.Status,
            ["title"] = p.Input["title"]?.GetValue<string>() ?? "",
        };

    /// <summary>A product by its gid, as <c>nodes(ids:)</c> answers: the app's (<see cref="Products"/>), a shop's own
    /// (active and on the store), or null when the shop has no such product (deleted).</summary>
    private JsonNode? NodeOf(string shop, string id)
    {
        if (Products.TryGetValue(id, out var product) && product.Shop == shop)
            return ProductNode(product);
        var own = ShopProducts.GetValueOrDefault(shop, []).FirstOrDefault(p => $"gid://shopify/Product/{p.Id}" == id);
        return own.Id is null
            ? null
            : new JsonObject
            {
                ["__typename"] = "Product",
                ["id"] = id,
                ["title"] = own.Title,
                ["status"] = "ACTIVE",
                ["onlineStoreUrl"] = $"https://{shop}/products/{own.Id}",
            };
    }

    private static JsonObject UserError(string[] field, string message, string? code = null)
    {
        var error = new JsonObject
        {
            ["field"] = new JsonArray([.. field.Select(f => (JsonNode)f)]),
            ["message"] = message,
        };
        if (code is not null)
            error["code"] = code;
        return error;
    }

    private JsonObject Publication(JsonNode v, bool add)
    {
        if (!Products.TryGetValue(v["id"]!.GetValue<string>(), out var product))
            return new JsonObject { ["userErrors"] = new JsonArray(UserError(["id"], "Product does not exist")) };
        foreach (var p in v["input"]!.AsArray())
        {
            var id = p!["publicationId"]!.GetValue<string>();
            if (Publications.All(x => x.Id != id))
                return new JsonObject
                {
                    ["userErrors"] = new JsonArray(
                        UserError(["input", "0", "publicationId"], "Publication does not exist")
                    ),
                };
            if (add)
                product.Publications.Add(id);
            else
                product.Publications.Remove(id);
        }
        return new JsonObject
        {
            ["publishable"] = new JsonObject { ["__typename"] = "Product", ["id"] = product.Id },
            ["userErrors"] = new JsonArray(),
        };
    }

    private static string Numeric(string gid) => gid[(gid.LastIndexOf('/') + 1)..];

    private JsonObject? OrderNode(string gid, string scopes)
    {
        if (!Orders.TryGetValue(Numeric(gid), out var order))
            return null;
        // An app sees only the fulfillment orders its scopes cover: these are at the merchant's own location.
        if (!FakeShopify.Has(scopes, "read_merchant_managed_fulfillment_orders"))
            return new JsonObject
            {
                ["id"] = gid,
                ["fulfillmentOrders"] = new JsonObject { ["nodes"] = new JsonArray() },
            };
        lock (order)
            return new JsonObject
            {
                ["id"] = gid,
                ["fulfillments"] = new JsonArray([
                    .. order.Made.Select(m =>
                        (JsonNode)
                            new JsonObject
                            {
                                ["id"] = m.Id,
                                ["status"] = "SUCCESS",
                                ["trackingInfo"] = new JsonArray([
                                    .. m.TrackingUrls.Select(u =>
                                        (JsonNode)new JsonObject { ["url"] = u, ["company"] = "StorybookShop" }
                                    ),
                                ]),
                                ["fulfillmentLineItems"] = new JsonObject
                                {
                                    ["nodes"] = new JsonArray([
                                        .. m.LineItemIds.Select(l =>
                                            (JsonNode)
                                                new JsonObject
                                                {
                                                    ["id"] = $"gid://shopify/FulfillmentLineItem/{l}",
                                                    ["lineItem"] = new JsonObject
                                                    {
                                                        ["id"] = $"gid://shopify/LineItem/{l}",
                                                    },
                                                }
                                        ),
                                    ]),
                                },
                            }
                    ),
                ]),
                ["fulfillmentOrders"] = new JsonObject
                {
                    ["nodes"] = new JsonArray([
                        .. Enumerable
                            .Range(1, order.FulfillmentOrderCount)
                            .Select(n => (JsonNode)FulfillmentOrder(order, n)),
                    ]),
                },
            };
    }

    private JsonObject? FulfillmentOrderNode(string gid)
    {
        var digits = Numeric(gid);
        if (digits.Length < 3 || !Orders.TryGetValue(digits[..^2], out var order))
            return null;
        var number = int.Parse(digits[^2..], CultureInfo.InvariantCulture);
        if (number < 1 || number > order.FulfillmentOrderCount)
            return null;
        lock (order)
            return FulfillmentOrder(order, number);
    }

    private static JsonObject FulfillmentOrder(Order order, int number)
    {
        var lines = order
            .Lines.Where(l => order.FulfillmentOrderOf.GetValueOrDefault(l.LineItemId, 1) == number)
            .ToList();
        return new JsonObject
        {
            ["id"] = order.FulfillmentOrderId(number),
            ["status"] = lines.Any(l => l.Remaining > 0) ? "OPEN" : "CLOSED",
            ["lineItems"] = new JsonObject
            {
                ["nodes"] = new JsonArray([
                    .. lines.Select(l =>
                        (JsonNode)
                            new JsonObject
                            {
                                ["id"] = $"gid://shopify/FulfillmentOrderLineItem/{l.LineItemId}",
                                ["remainingQuantity"] = l.Remaining,
                                ["totalQuantity"] = Math.Max(1, l.Remaining),
                                ["lineItem"] = new JsonObject
                                {
                                    ["id"] = $"gid://shopify/LineItem/{l.LineItemId}",
                                    ["product"] = order.LineProducts.TryGetValue(l.LineItemId, out var product)
                                        ? new JsonObject { ["id"] = product }
                                        : null,
                                    ["customAttributes"] = new JsonArray([
                                        .. l.Attributes.Select(a =>
                                            (JsonNode)new JsonObject { ["key"] = a.Key, ["value"] = a.Value }
                                        ),
                                    ]),
                                },
                            }
                    ),
                ]),
            },
        };
    }

    private JsonObject FulfillmentCreate(JsonNode v)
    {
        var f = v["fulfillment"]!;
        var errors = new JsonArray();
        if (RefuseFulfillments is { } refusal)
            return new JsonObject
            {
                ["fulfillment"] = null,
                ["userErrors"] = new JsonArray(UserError(["fulfillment"], refusal)),
            };
        var groups = f["lineItemsByFulfillmentOrder"]!.AsArray();
        foreach (var group in groups)
        {
            var digits = Numeric(group!["fulfillmentOrderId"]!.GetValue<string>());
            if (digits.Length < 3 || !Orders.TryGetValue(digits[..^2], out var order))
            {
                errors.Add(UserError(["fulfillment"], "Fulfillment order does not exist."));
                continue;
            }
            var number = int.Parse(digits[^2..], CultureInfo.InvariantCulture);
            lock (order)
            {
                foreach (var item in group["fulfillmentOrderLineItems"]!.AsArray())
                {
                    var lineId = Numeric(item!["id"]!.GetValue<string>());
                    var index = order.Lines.FindIndex(l =>
                        l.LineItemId == lineId && order.FulfillmentOrderOf.GetValueOrDefault(lineId, 1) == number
                    );
                    var quantity = item["quantity"]!.GetValue<int>();
                    if (index < 0 || order.Lines[index].Remaining < quantity)
                    {
                        errors.Add(
                            UserError(
                                ["fulfillment", "lineItemsByFulfillmentOrder"],
                                "Invalid fulfillment order line item quantity requested."
                            )
                        );
                        continue;
                    }
                    order.Lines[index] = order.Lines[index] with
                    {
                        Remaining = order.Lines[index].Remaining - quantity,
                    };
                }
                if (errors.Count == 0)
                    order.Fulfillments.Add(v.DeepClone());
            }
        }
        var id = $"gid://shopify/Fulfillment/{Interlocked.Increment(ref _next)}";
        if (errors.Count == 0)
            foreach (var group in groups)
                if (Orders.TryGetValue(Numeric(group!["fulfillmentOrderId"]!.GetValue<string>())[..^2], out var order))
                    lock (order)
                    {
                        var made = new Made
                        {
                            Id = id,
                            LineItemIds =
                            [
                                .. group["fulfillmentOrderLineItems"]!
                                    .AsArray()
                                    .Select(i => Numeric(i!["id"]!.GetValue<string>())),
                            ],
                        };
                        if (f["trackingInfo"]?["url"]?.GetValue<string>() is { } url)
                            made.TrackingUrls.Add(url);
                        order.Made.Add(made);
                    }
        return new JsonObject
        {
            ["fulfillment"] = errors.Count > 0 ? null : new JsonObject { ["id"] = id, ["status"] = "SUCCESS" },
            ["userErrors"] = errors,
        };
    }

    private JsonObject TrackingUpdate(JsonNode v)
    {
        var id = v["fulfillmentId"]!.GetValue<string>();
        var made = Orders.Values.SelectMany(o => o.Made).FirstOrDefault(m => m.Id == id);
        if (made is null)
            return new JsonObject
            {
                ["fulfillment"] = null,
                ["userErrors"] = new JsonArray(UserError(["fulfillmentId"], "Fulfillment does not exist.")),
            };
        var input = v["trackingInfoInput"]!;
        made.TrackingUrls.Clear();
        if (input["url"]?.GetValue<string>() is { } url)
            made.TrackingUrls.Add(url);
        if (v["notifyCustomer"]?.GetValue<bool>() == true)
            made.Notifications++;
        return new JsonObject
        {
            ["fulfillment"] = new JsonObject { ["id"] = id },
            ["userErrors"] = new JsonArray(),
        };
    }

    private JsonObject ProductUpdate(JsonNode v)
    {
        var input = v["product"]!;
        if (!Products.TryGetValue(input["id"]!.GetValue<string>(), out var product))
            return new JsonObject
            {
                ["product"] = null,
                ["userErrors"] = new JsonArray(UserError(["id"], "Product does not exist")),
            };
        product.Status = input["status"]?.GetValue<string>() ?? product.Status;
        return new JsonObject { ["product"] = ProductNode(product), ["userErrors"] = new JsonArray() };
    }
}
