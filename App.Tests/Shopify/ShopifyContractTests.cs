using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StorybookShop.Shopify;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Shopify;

/// <summary>
/// Every Admin API document the app can send, held to Shopify's published 2026-10 schema and cost rules — and the
/// oracle itself shown to refuse what Shopify refuses, so a green run means something.
/// </summary>
public sealed partial class ShopifyContractTests
{
    private static ShopifyContract Contract => ShopifyContract.Shared;

    /// <summary>Every GraphQL document in the app: its public string constants that are named operations.</summary>
    public static IReadOnlyList<(string Where, string Document)> AppOperations() =>
        [
            .. typeof(ShopifyGraphQL)
                .Assembly.GetTypes()
                .SelectMany(t =>
                    t.GetFields(BindingFlags.Public | BindingFlags.Static)
                        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
                        .Select(f => ($"{t.Name}.{f.Name}", (string)f.GetRawConstantValue()!))
                )
                .Where(x => Operation().IsMatch(x.Item2)),
        ];

    [Test]
    public async Task Every_operation_the_app_sends_is_valid_against_the_schema_and_costs_well_under_the_limit()
    {
        var operations = AppOperations();
        Assert.That(operations, Is.Not.Empty);
        var table = new List<string>();
        foreach (var (where, document) in operations)
        {
            var check = await Contract.CheckAsync(ShopifyContract.Version, document, null, documentOnly: true);
            Assert.That(check.Ok, Is.True, $"{where}: {check.Errors.ToJsonString()}");
            Assert.That(check.Deprecations, Is.Empty, $"{where} uses what 2026-10 deprecates");
            // Room to spare: half the single-query limit, so a page size edited upward still fails here first.
            Assert.That(
                check.RequestedCost,
                Is.LessThanOrEqualTo(ShopifyContract.MaxQueryCost / 2),
                $"{where} costs {check.RequestedCost} points"
            );
            table.Add($"{check.OperationName, -28} {check.OperationType, -8} {check.RequestedCost, 5}  {where}");
        }
        TestContext.Out.WriteLine("operation                    type      cost  in");
        foreach (var row in table.Order(StringComparer.Ordinal))
            TestContext.Out.WriteLine(row);
        Assert.That(
            operations.Select(o => ShopifyScopes.OperationName(o.Document)).Order(),
            Is.EqualTo(ShopifyScopes.Required.Keys.Order()),
            "every operation sent is in the scope table, and every row of the table is an operation sent"
        );
    }

    [Test]
    public async Task Costs_follow_shopifys_published_rules()
    {
        async Task<int> Cost(string q) =>
            (await Contract.CheckAsync(ShopifyContract.Version, q, null, documentOnly: true)).RequestedCost;
        // Scalars 0; objects 1; a connection 2 + first × one node; nested connections multiply; mutations 10.
        Assert.That(await Cost("query a { shop { name } }"), Is.EqualTo(1));
        Assert.That(await Cost("query a { products(first: 10) { nodes { title } } }"), Is.EqualTo(12));
        Assert.That(await Cost("query a { products(first: 10) { edges { node { title } } } }"), Is.EqualTo(12));
        Assert.That(
            await Cost("query a { products(first: 10) { nodes { variants(first: 5) { nodes { id } } } } }"),
            Is.EqualTo(2 + (10 * (1 + 2 + (5 * 1))))
        );
        Assert.That(
            await Cost(
                """
                query fulfillmentOrders($id: ID!) {
                  order(id: $id) { fulfillmentOrders(first: 20) { nodes { id status lineItems(first: 50) { nodes
                    { id remainingQuantity lineItem { id } } } } } }
                }
                """
            ),
            Is.EqualTo(2063),
            "the delivery query this app used to send"
        );
        Assert.That(
            await Cost("mutation m($id: ID!) { productDelete(input: { id: $id }) { deletedProductId } }"),
            Is.EqualTo(10)
        );
    }

    [Test]
    public async Task The_oracle_refuses_what_shopify_refuses()
    {
        async Task<JsonArray> Errors(string q, object? variables = null)
        {
            var check = await Contract.CheckAsync(
                ShopifyContract.Version,
                q,
                variables is null ? null : JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(variables))
            );
            Assert.That(check.Ok, Is.False, q);
            return check.Errors;
        }
        string Code(JsonArray e) => e[0]!["extensions"]!["code"]!.GetValue<string>();

        Assert.That(Code(await Errors("query a { shop { nmae } }")), Is.EqualTo("undefinedField"));
        Assert.That(
            Code(await Errors("query a { products(frist: 3) { nodes { id } } }")),
            Is.EqualTo("argumentNotAccepted")
        );
        Assert.That(
            Code(await Errors("query a { products { nodes { id } } }")),
            Is.EqualTo("BAD_REQUEST"),
            "a connection needs first or last"
        );
        Assert.That(Code(await Errors("query a { products(first: 251) { nodes { id } } }")), Is.EqualTo("BAD_REQUEST"));
        Assert.That(
            Code(await Errors("query a($id: ID!) { order(id: $id) { id } }")),
            Is.EqualTo("INVALID_VARIABLE"),
            "a required variable missing"
        );
        Assert.That(
            Code(await Errors("query a($id: ID!) { order(id: $id) { id } }", new { id = "gid://shopify/Product/1" })),
            Is.EqualTo("INVALID_VARIABLE"),
            "a gid of the wrong type"
        );
        // node(id:) takes the id of any type that implements Node, and nothing else.
        const string NodeQuery = "query a($id: ID!) { node(id: $id) { id } }";
        var anyNode = await Contract.CheckAsync(
            ShopifyContract.Version,
            NodeQuery,
            JsonNode.Parse("""{"id":"gid://shopify/AppSubscription/1"}""")
        );
        Assert.That(anyNode.Ok, Is.True, anyNode.Errors.ToJsonString());
        Assert.That(
            Code(await Errors(NodeQuery, new { id = "gid://shopify/NoSuchType/1" })),
            Is.EqualTo("INVALID_VARIABLE")
        );
        const string Publish =
            "mutation p($id: ID!, $input: [PublicationInput!]!) { publishablePublish(id: $id, "
            + "input: $input) { userErrors { message } } }";
        Assert.That(
            Code(
                await Errors(
                    Publish,
                    new
                    {
                        id = "gid://shopify/Product/1",
                        input = Enumerable
                            .Range(0, 251)
                            .Select(i => new { publicationId = $"gid://shopify/Publication/{i}" }),
                    }
                )
            ),
            Is.EqualTo("MAX_INPUT_SIZE_EXCEEDED"),
            "an input array of more than 250"
        );
        const string Upload =
            "mutation s($input: [StagedUploadInput!]!) { stagedUploadsCreate(input: $input) "
            + "{ userErrors { message } } }";
        Assert.That(
            Code(
                await Errors(
                    Upload,
                    new
                    {
                        input = new[]
                        {
                            new
                            {
                                resource = "IMAGE",
                                filename = "a.jpg",
                                mimeType = "image/jpeg",
                                fileSize = 12,
                            },
                        },
                    }
                )
            ),
            Is.EqualTo("INVALID_VARIABLE"),
            "UnsignedInt64 is a string of digits"
        );
        Assert.That(
            Code(
                await Errors(
                    Upload,
                    new
                    {
                        input = new[]
                        {
                            new
                            {
                                resource = "PICTURE",
                                filename = "a.jpg",
                                mimeType = "image/jpeg",
                            },
                        },
                    }
                )
            ),
            Is.EqualTo("INVALID_VARIABLE"),
            "an enum value the schema lacks"
        );
    }

    [Test]
    public async Task The_oracle_reports_deprecated_fields()
    {
        var check = await Contract.CheckAsync(
            ShopifyContract.Version,
            "query publications { publications(first: 5) { nodes { id name } } }",
            null
        );
        Assert.That(check.Ok, Is.True);
        Assert.That(check.Deprecations, Has.Some.Contains("Publication.name").And.Some.Contains("Catalog.title"));
    }

    [Test]
    public async Task The_fakes_answers_are_shaped_and_checked_by_the_schema()
    {
        const string Query =
            "query publications($after: String) { publications(first: 2, after: $after) { "
            + "pageInfo { hasNextPage endCursor } nodes { id catalog { title } } } }";
        var data = new JsonObject
        {
            ["publications"] = new JsonObject
            {
                ["nodes"] = new JsonArray([
                    .. Enumerable
                        .Range(1, 3)
                        .Select(i =>
                            (JsonNode)
                                new JsonObject
                                {
                                    ["id"] = $"gid://shopify/Publication/{i}",
                                    ["name"] = $"P{i}",
                                    ["catalog"] = new JsonObject { ["__typename"] = "AppCatalog", ["title"] = $"P{i}" },
                                }
                        ),
                ]),
            },
        };
        var first = await Contract.ShapeAsync(ShopifyContract.Version, Query, null, data);
        Assert.That(first.Errors, Is.Empty);
        var page = first.Data!["publications"]!;
        Assert.That(
            page["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()),
            Is.EqualTo(new[] { "gid://shopify/Publication/1", "gid://shopify/Publication/2" }),
            "paged by first"
        );
        Assert.That(page["nodes"]![0]!.AsObject().ContainsKey("name"), Is.False, "only what the query asked for");
        Assert.That(page["pageInfo"]!["hasNextPage"]!.GetValue<bool>(), Is.True);
        var second = await Contract.ShapeAsync(
            ShopifyContract.Version,
            Query,
            new JsonObject { ["after"] = page["pageInfo"]!["endCursor"]!.GetValue<string>() },
            data
        );
        Assert.That(
            second.Data!["publications"]!["nodes"]!.AsArray().Single()!["id"]!.GetValue<string>(),
            Is.EqualTo("gid://shopify/Publication/3")
        );
        Assert.That(second.Data["publications"]!["pageInfo"]!["hasNextPage"]!.GetValue<bool>(), Is.False);
        Assert.That(first.ActualCost, Is.EqualTo(2 + (2 * 2)), "actual cost counts the nodes returned");

        // A fake answer the schema does not allow is an error, not a pass.
        var wrong = await Contract.ShapeAsync(
            ShopifyContract.Version,
            "query o($id: ID!) { order(id: $id) { fulfillmentOrders(first: 1) { nodes { status } } } }",
            new JsonObject { ["id"] = "gid://shopify/Order/1" },
            new JsonObject
            {
                ["order"] = new JsonObject
                {
                    ["fulfillmentOrders"] = new JsonObject
                    {
                        ["nodes"] = new JsonArray(new JsonObject { ["status"] = "SHIPPED" }),
                    },
                },
            }
        );
        Assert.That(wrong.Errors, Has.Some.Contains("FulfillmentOrderStatus"));
    }

    [GeneratedRegex(@"^\s*(query|mutation)\s+[A-Za-z_]\w*\s*[({]")]
    private static partial Regex Operation();
}
