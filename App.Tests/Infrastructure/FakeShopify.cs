using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>
/// A local Shopify on 127.0.0.1 that speaks the real wire format: the OAuth access_token endpoint (authorization
/// code, token exchange and refresh grants, with Shopify's error shapes) and the Admin GraphQL endpoint, which holds
/// every request to Shopify's published contract (<see cref="ShopifyContract"/>: the 2026-10 schema, variable
/// coercion, the cost rules and the 1,000-point single-query limit, access scopes from the schema) before a
/// scripted <see cref="Answer"/> is shaped by the same schema; a leaky bucket answers THROTTLED as Shopify does.
/// It records what it receives.
/// </summary>
public sealed class FakeShopify : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Issued> _accessTokens = new();
    private readonly ConcurrentDictionary<string, Issued> _refreshTokens = new();
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new();

    public sealed record Issued(string Shop, DateTimeOffset Expires, string Scopes);

    /// <summary>What each shop granted the app; by default what shopify.app.toml asks for.</summary>
    public ConcurrentDictionary<string, string> GrantedScopes { get; } = new();

    private string Granted(string shop) => GrantedScopes.GetValueOrDefault(shop, ShopifyKit.TomlScopes);

    /// <summary>A request as the fake received it, with the root fields and the cost Shopify's rules give it.</summary>
    public sealed record GraphQLCall(
        string Shop,
        string Version,
        string Query,
        JsonNode? Variables,
        string? AccessToken,
        IReadOnlyList<string> RootFields,
        int RequestedCost
    );

    private sealed class Bucket
    {
        public double Available = 2000;
        public DateTimeOffset At = DateTimeOffset.UtcNow;
    }

    public ConcurrentQueue<GraphQLCall> GraphQLCalls { get; } = new();

    public sealed record Upload(string Key, string FileName, byte[] Bytes);

    /// <summary>Thrown by an Answer to make the fake reply with a top-level GraphQL error (HTTP 200).</summary>
    public sealed class GraphQLErrorException(string message) : Exception(message);

    public ConcurrentDictionary<string, Upload> Uploads { get; } = new();
    public ConcurrentQueue<string> Grants { get; } = new();
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);
    public int RefreshCalls;

    /// <summary>Extra latency on the token endpoint, to make concurrent refreshes overlap.</summary>
    public TimeSpan TokenLatency { get; set; }

    /// <summary>Refuse token exchange as Shopify does for a stale or foreign session token.</summary>
    public bool RejectTokenExchange { get; set; }

    /// <summary>Answers GraphQL operations; default: an empty data object. Return null to fall through.</summary>
    public Func<GraphQLCall, JsonNode?> Answer { get; set; } = _ => new JsonObject();
    public double RestoreRate { get; set; } = 100;
    public double MaximumAvailable { get; set; } = 2000;

    /// <summary>Queued failures for the next GraphQL calls: 429, 500, or 0 for a THROTTLED 200.</summary>
    public ConcurrentQueue<int> FailNext { get; } = new();

    private FakeShopify(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;
    public string ShopUrlTemplate => $"{BaseAddress.ToString().TrimEnd('/')}/{{shop}}";

    public static async Task<FakeShopify> StartAsync(string clientId, string secret)
    {
        var app = LocalServer.Create();
        var fake = new FakeShopify(app);
        app.MapPost("/{shop}/admin/oauth/access_token", (string shop, HttpRequest request) =>
            fake.TokenAsync(shop, request, clientId, secret)
        );
        app.MapPost("/{shop}/admin/api/{version}/graphql.json", (string shop, string version, HttpRequest request) =>
            fake.GraphQLAsync(shop, version, request)
        );
        // Staged upload targets (Shopify hands out a cloud-storage URL; here it is this server): a multipart POST,
        // parameters then the file.
        app.MapPost("/uploads/{id}", async (string id, HttpRequest request) =>
            {
                var form = await request.ReadFormAsync();
                var file = form.Files.GetFile("file");
                if (file is null || form["key"].Count == 0)
                    return Results.Text(
                        "<Error><Code>InvalidArgument</Code></Error>",
                        "application/xml",
                        statusCode: 400
                    );
                using var ms = new MemoryStream();
                await file.CopyToAsync(ms);
                fake.Uploads[id] = new Upload(form["key"].ToString(), file.FileName, ms.ToArray());
                return Results.StatusCode(204);
            })
            .DisableAntiforgery();
        fake.BaseAddress = new Uri(await LocalServer.StartAsync(app));
        return fake;
    }

    /// <summary>Pretend Shopify already issued these tokens (an installed shop).</summary>
    public (string Access, string Refresh) IssueTokens(string shop, TimeSpan? accessLifetime = null)
    {
        var access = "shpat_" + RandomNumberGenerator.GetHexString(24, true);
        var refresh = "shprt_" + RandomNumberGenerator.GetHexString(24, true);
        _accessTokens[access] = new Issued(
            shop,
            DateTimeOffset.UtcNow + (accessLifetime ?? AccessTokenLifetime),
            Granted(shop)
        );
        _refreshTokens[refresh] = new Issued(shop, DateTimeOffset.UtcNow.AddDays(90), Granted(shop));
        return (access, refresh);
    }

    public void RevokeAccessTokens(string shop)
    {
        foreach (var (token, issued) in _accessTokens)
            if (issued.Shop == shop)
                _accessTokens.TryRemove(token, out _);
    }

    private async Task<IResult> TokenAsync(string shop, HttpRequest request, string clientId, string secret)
    {
        if (TokenLatency > TimeSpan.Zero)
            await Task.Delay(TokenLatency);
        var form = request.HasFormContentType
            ? (await request.ReadFormAsync()).ToDictionary(k => k.Key, v => v.Value.ToString())
            : (await JsonSerializer.DeserializeAsync<Dictionary<string, JsonElement>>(request.Body))!.ToDictionary(
                k => k.Key,
                v => v.Value.ToString()
            );
        string Get(string k) => form.TryGetValue(k, out var v) ? v : "";
        if (Get("client_id") != clientId || Get("client_secret") != secret)
            return Error(401, "invalid_client", "Client authentication failed.");

        var grant = Get("grant_type");
        Grants.Enqueue(grant.Length == 0 ? "authorization_code" : grant);
        switch (grant)
        {
            case "urn:ietf:params:oauth:grant-type:token-exchange":
                if (Get("subject_token_type") != "urn:ietf:params:oauth:token-type:id_token")
                    return Error(400, "invalid_request", "subject_token_type is not supported.");
                if (
                    RejectTokenExchange
                    || !(
                        ValidSessionToken(Get("subject_token"), shop, clientId, secret)
                        || ValidSessionToken(Get("subject_token"), shop, clientId, ShopifyKit.PreviousSecret)
                    )
                )
                    return Error(400, "invalid_subject_token", "Session token is invalid or expired.");
                return Grant(
                    shop,
                    Get("requested_token_type") == "urn:shopify:params:oauth:token-type:offline-access-token"
                        && Get("expiring") == "1"
                );
            case "refresh_token":
                Interlocked.Increment(ref RefreshCalls);
                // Refresh tokens rotate: each one works once.
                if (
                    !_refreshTokens.TryRemove(Get("refresh_token"), out var issued)
                    || issued.Shop != shop
                    || issued.Expires < DateTimeOffset.UtcNow
                )
                    return Error(400, "invalid_grant", "The refresh token is invalid, expired or already used.");
                return Grant(shop, expiring: true);
            case "":
                return Get("code").Length > 0
                    ? Grant(shop, Get("expiring") == "1")
                    : Error(400, "invalid_request", "code is required.");
            default:
                return Error(400, "unsupported_grant_type", $"{grant} is not supported.");
        }
    }

    private IResult Grant(string shop, bool expiring)
    {
        var access = "shpat_" + RandomNumberGenerator.GetHexString(24, true);
        var scopes = Granted(shop);
        _accessTokens[access] = new Issued(
            shop,
            expiring ? DateTimeOffset.UtcNow + AccessTokenLifetime : DateTimeOffset.MaxValue,
            scopes
        );
        if (!expiring)
            return Results.Json(new { access_token = access, scope = scopes });
        var refresh = "shprt_" + RandomNumberGenerator.GetHexString(24, true);
        _refreshTokens[refresh] = new Issued(shop, DateTimeOffset.UtcNow.AddDays(90), scopes);
        return Results.Json(
            new
            {
                access_token = access,
                scope = scopes,
                expires_in = (int)AccessTokenLifetime.TotalSeconds,
                refresh_token = refresh,
                refresh_token_expires_in = 7776000,
            }
        );
    }

    private static bool ValidSessionToken(string jwt, string shop, string clientId, string secret)
    {
        var handler = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler();
        var result = handler
            .ValidateTokenAsync(
                jwt,
                new Microsoft.IdentityModel.Tokens.TokenValidationParameters
                {
                    ValidAudience = clientId,
                    ValidateIssuer = false,
                    IssuerSigningKey = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(
                        System.Text.Encoding.UTF8.GetBytes(secret)
                    ),
                }
            )
            .GetAwaiter()
            .GetResult();
        return result.IsValid
            && result.Claims.TryGetValue("dest", out var dest)
            && dest?.ToString() == $"https://{shop}";
    }

    private static IResult Error(int status, string error, string description) =>
        Results.Json(new { error, error_description = description }, statusCode: status);

    private async Task<IResult> GraphQLAsync(string shop, string version, HttpRequest request)
    {
        var token = request.Headers["X-Shopify-Access-Token"].ToString();
        var body = await JsonNode.ParseAsync(request.Body);
        var query = body?["query"]?.GetValue<string>() ?? "";
        var variables = body?["variables"]?.DeepClone();
        if (
            !_accessTokens.TryGetValue(token, out var issued)
            || issued.Shop != shop
            || issued.Expires < DateTimeOffset.UtcNow
        )
        {
            GraphQLCalls.Enqueue(new GraphQLCall(shop, version, query, variables, token, [], 0));
            return Results.Json(
                new { errors = "[API] Invalid API key or access token (unrecognized login or wrong password)" },
                statusCode: 401
            );
        }

        var failure = FailNext.TryDequeue(out var f) ? f : -1;
        if (failure == 429 || failure >= 500)
            GraphQLCalls.Enqueue(new GraphQLCall(shop, version, query, variables, token, [], 0));
        if (failure == 429)
            return Results
                .Json(new { errors = "Exceeded 2 calls per second for api client." }, statusCode: 429)
                .WithHeader("Retry-After", "1");
        if (failure >= 500)
            return Results.Json(new { errors = "Internal error" }, statusCode: failure);

        // Shopify's contract first: the document against the published schema, the variables coerced, the cost.
        var check = await Contract.CheckAsync(version, query, variables);
        var name = check.OperationName ?? "(anonymous)";
        var call = new GraphQLCall(
            shop,
            version,
            query,
            variables,
            token,
            [.. check.RootFields.Select(r => r.Name)],
            check.RequestedCost
        );
        GraphQLCalls.Enqueue(call);
        if (!check.Ok)
        {
            foreach (var e in check.Errors)
                ShopifyContract.Violations.Enqueue(
                    new(ShopifyContract.ViolationKind.Refused, name, e!["message"]!.GetValue<string>())
                );
            return Results.Json(new JsonObject { ["errors"] = check.Errors });
        }
        if (check.RequestedCost > ShopifyContract.MaxQueryCost)
        {
            ShopifyContract.Violations.Enqueue(
                new(
                    ShopifyContract.ViolationKind.Refused,
                    name,
                    $"MAX_COST_EXCEEDED: requested cost {check.RequestedCost}"
                )
            );
            return Results.Json(
                new JsonObject
                {
                    ["errors"] = new JsonArray(
                        new JsonObject
                        {
                            ["message"] =
                                $"Query cost is {check.RequestedCost}, which exceeds the single query max cost "
                                + $"limit ({ShopifyContract.MaxQueryCost}).\n\nSee "
                                + $"https://shopify.dev/concepts/about-apis/"
                                + "rate-limits for more information on how the\ncost of a query is calculated.\n\nTo "
                                + "query "
                                + "larger amounts of data with fewer limits, bulk operations should be used instead.",
                            ["extensions"] = new JsonObject
                            {
                                ["code"] = "MAX_COST_EXCEEDED",
                                ["cost"] = check.RequestedCost,
                                ["maxCost"] = ShopifyContract.MaxQueryCost,
                                ["documentation"] = "https://shopify.dev/api/usage/rate-limits",
                            },
                        }
                    ),
                }
            );
        }
        foreach (var d in check.Deprecations)
            ShopifyContract.Violations.Enqueue(new(ShopifyContract.ViolationKind.Deprecated, name, d));

        var bucket = _buckets.GetOrAdd(shop, _ => new Bucket { Available = MaximumAvailable });
        var requested = check.RequestedCost;
        lock (bucket)
        {
            var now = DateTimeOffset.UtcNow;
            bucket.Available = Math.Min(
                MaximumAvailable,
                bucket.Available + (now - bucket.At).TotalSeconds * RestoreRate
            );
            bucket.At = now;
            // Shopify answers a throttled query with HTTP 200 and a THROTTLED error; a queued 0 forces one.
            if (bucket.Available < requested || failure == 0)
                return Results.Json(
                    new JsonObject
                    {
                        ["errors"] = new JsonArray(
                            new JsonObject
                            {
                                ["message"] = "Throttled",
                                ["extensions"] = new JsonObject
                                {
                                    ["code"] = "THROTTLED",
                                    ["documentation"] = "https://shopify.dev/api/usage/rate-limits",
                                },
                            }
                        ),
                        ["extensions"] = Cost(requested, 0, bucket),
                    }
                );
            bucket.Available -= requested;
        }
        if (Denied(check, issued.Scopes) is { } denied)
            return Results.Json(
                new JsonObject
                {
                    ["errors"] = new JsonArray(
                        new JsonObject
                        {
                            ["message"] = $"Access denied for {denied.Field} field. Required access: {denied.Required}",
                            ["extensions"] = new JsonObject
                            {
                                ["code"] = "ACCESS_DENIED",
                                ["documentation"] = "https://shopify.dev/api/usage/access-scopes",
                                ["requiredAccess"] = denied.Required,
                            },
                            ["path"] = new JsonArray(denied.Field),
                        }
                    ),
                    ["data"] = new JsonObject { [denied.Field] = null },
                    ["extensions"] = Cost(requested, requested, bucket),
                }
            );
        JsonNode data;
        try
        {
            data = Answer(call) ?? new JsonObject();
        }
        catch (GraphQLErrorException e)
        {
            return Results.Json(
                new JsonObject
                {
                    ["errors"] = new JsonArray(
                        new JsonObject
                        {
                            ["message"] = e.Message,
                            ["extensions"] = new JsonObject { ["code"] = "INTERNAL_SERVER_ERROR" },
                        }
                    ),
                    ["extensions"] = Cost(requested, requested, bucket),
                }
            );
        }
        // The answer as Shopify's executor would give it: only what was asked, paged, typed by the schema.
        var shaped = await Contract.ShapeAsync(version, query, variables, data);
        foreach (var e in shaped.Errors)
            ShopifyContract.Violations.Enqueue(new(ShopifyContract.ViolationKind.FakeAnswer, name, e));
        lock (bucket)
            bucket.Available += Math.Max(0, requested - shaped.ActualCost); // Shopify refunds the rest
        var response = Results.Json(
            new JsonObject { ["data"] = shaped.Data, ["extensions"] = Cost(requested, shaped.ActualCost, bucket) }
        );
        return check.Deprecations.Count > 0
            ? response.WithHeader(
                "X-Shopify-API-Deprecated-Reason",
                "https://shopify.dev/api/usage/versioning#deprecation-practices"
            )
            : response;
    }

    private static ShopifyContract Contract => ShopifyContract.Shared;

    /// <summary>
    /// Shopify's access rules for the root fields the app uses, written from Shopify's reference where the schema
    /// carries no <c>requiredAccess</c> (order, products); the schema's own text wins where it has one.
    /// </summary>
    private static readonly Dictionary<string, string> Rules = new()
    {
        ["order"] = "`read_orders` access scope.",
        ["fulfillmentOrder"] =
            "`read_merchant_managed_fulfillment_orders`"
            + " access scope, `read_assigned_fulfillment_orders` access scope or `read_third_party_fulfillment_orders`"
            + " access scope.",
        ["products"] = "`read_products` access scope.",
        // nodes(ids:) checks each node's type; the app asks it for products only, which need read_products.
        ["nodes"] = "`read_products` access scope.",
        ["stagedUploadsCreate"] = "`write_files` access scope.",
    };

    public static bool Has(string scopes, string scope)
    {
        var granted = scopes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return granted.Contains(scope)
            || (scope.StartsWith("read_", StringComparison.Ordinal) && granted.Contains("write_" + scope[5..]));
    }

    /// <summary>The first root field the token's scopes do not cover: the schema's <c>requiredAccess</c> names the
    /// scopes, any one of which is enough (its "Also:" part is about staff permissions, not scopes).</summary>
    private static (string Field, string Required)? Denied(ShopifyContract.Check check, string scopes)
    {
        foreach (var root in check.RootFields)
        {
            var required = root.RequiredAccess ?? Rules.GetValueOrDefault(root.Name);
            if (required is null)
                continue;
            var scopePart = required.Split("Also:")[0];
            var any = System
                .Text.RegularExpressions.Regex.Matches(scopePart, "`([a-z_]+)`")
                .Select(m => m.Groups[1].Value)
                .ToList();
            if (any.Count > 0 && !any.Any(s => Has(scopes, s)))
                return (root.Name, required.Trim());
        }
        return null;
    }

    /// <summary>The scopes of the token a call was made with.</summary>
    public string ScopesOf(GraphQLCall call) =>
        call.AccessToken is { } t && _accessTokens.TryGetValue(t, out var i) ? i.Scopes : "";

    private JsonObject Cost(double requested, double actual, Bucket b) =>
        new()
        {
            ["cost"] = new JsonObject
            {
                ["requestedQueryCost"] = requested,
                ["actualQueryCost"] = actual,
                ["throttleStatus"] = new JsonObject
                {
                    ["maximumAvailable"] = MaximumAvailable,
                    ["currentlyAvailable"] = Math.Floor(b.Available),
                    ["restoreRate"] = RestoreRate,
                },
            },
        };

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

internal static class ResultExtensions
{
    public static IResult WithHeader(this IResult result, string name, string value) =>
        new HeaderResult(result, name, value);

    private sealed class HeaderResult(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
