using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace StorybookShop.Shopify;

/// <summary>
/// The one Admin GraphQL client. It knows each shop's cost bucket from the last answer and waits before
/// sending when the bucket cannot pay for the query; retries THROTTLED (which arrives as HTTP 200), 429 and
/// 5xx with backoff honouring Retry-After; on 401 refreshes the token once, then marks the shop for
/// re-authentication; and turns userErrors into <see cref="ShopifyUserErrorsException"/>.
/// </summary>
public sealed partial class ShopifyGraphQL(
    HttpClient http,
    ShopifyTokens tokens,
    ShopBuckets buckets,
    IOptions<ShopifyOptions> options,
    TimeProvider clock,
    ILogger<ShopifyGraphQL> logger
)
{
    /// <summary>THROTTLED answers (the cost bucket) waited out before giving up; not failure retries.</summary>
    private const int MaxAttempts = 6;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Runs a query and reads its <c>data</c> as <typeparamref name="T"/> (camelCase records).</summary>
    public async Task<T> QueryAsync<T>(
        string shop,
        string query,
        object? variables = null,
        CancellationToken ct = default
    ) =>
        (await QueryAsync(shop, query, variables, ct: ct)).Deserialize<T>(Json)
        ?? throw new JsonException($"Shopify answered {ShopifyScopes.OperationName(query)} with no data.");

    /// <summary>Runs a mutation and reads its payload (<c>data.{field}</c>) as <typeparamref name="T"/>, throwing
    /// when it carries userErrors.</summary>
    public async Task<T> MutateAsync<T>(
        string shop,
        string mutation,
        string payloadField,
        object? variables = null,
        CancellationToken ct = default
    ) =>
        (await MutateAsync(shop, mutation, payloadField, variables, ct: ct)).Deserialize<T>(Json)
        ?? throw new JsonException($"Shopify answered {payloadField} with no payload.");

    /// <summary>Runs a query and returns its <c>data</c>.</summary>
    public async Task<JsonElement> QueryAsync(
        string shop,
        string query,
        object? variables = null,
        double expectedCost = 10,
        CancellationToken ct = default
    )
    {
        // Every operation is in the scope table; a token without its scopes fails here, with the scope to approve.
        var operation =
            ShopifyScopes.OperationName(query) is { } name && ShopifyScopes.Required.ContainsKey(name)
                ? name
                : throw new InvalidOperationException(
                    "Every Admin API operation must be named and listed in ShopifyScopes.Required."
                );
        if (
            await tokens.GrantedScopesAsync(shop, ct) is { } granted
            && ShopifyScopes.Missing(granted, operation) is { Count: > 0 } missing
        )
            throw new ShopifyMissingScopeException(shop, operation, missing);
        var refreshed = false;
        expectedCost = buckets.CostOf(operation, expectedCost);
        var token = await tokens.GetAccessTokenAsync(shop, ct);
        var bucket = buckets.For(shop, clock);
        for (var attempt = 1; ; attempt++)
        {
            await WaitForBudgetAsync(bucket, expectedCost, ct);
            using var request = new HttpRequestMessage(
                HttpMethod.Post,
                tokens.AdminUrl(shop, $"/admin/api/{options.Value.ApiVersion}/graphql.json")
            )
            {
                Content = JsonContent.Create(new { query, variables }),
            };
            request.Headers.Add("X-Shopify-Access-Token", token);
            using var response = await http.SendAsync(request, ct);
            if (response.Headers.TryGetValues("X-Shopify-API-Deprecated-Reason", out var reasons))
                Log.DeprecatedFieldQueried(logger, string.Join("; ", reasons));

            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                if (refreshed)
                {
                    await tokens.MarkNeedsReauthAsync(shop, ct);
                    throw new ShopifyAuthException(
                        shop,
                        $"Shopify refused the access token for {shop} after a refresh."
                    );
                }
                token = await tokens.RefreshAsync(shop, staleToken: token, ct);
                refreshed = true;
                continue;
            }
            if (response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
            {
                // Not retried here: the job calling is the retry layer (Hosting.ProviderResilience); Retry-After is
                // logged.
                throw new HttpRequestException(
                    $"Shopify answered {(int)response.StatusCode}"
                        + (
                            response.Headers.RetryAfter?.Delta is { } after
                                ? $" (retry after {after.TotalSeconds:0} s)."
                                : "."
                        ),
                    null,
                    response.StatusCode
                );
            }
            response.EnsureSuccessStatusCode();

            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var root = body.RootElement;
            var requested = expectedCost;
            if (root.TryGetProperty("extensions", out var ext) && ext.TryGetProperty("cost", out var cost))
            {
                requested =
                    cost.TryGetProperty("requestedQueryCost", out var rq) && rq.ValueKind == JsonValueKind.Number
                        ? rq.GetDouble()
                        : expectedCost;
                buckets.LearnCost(operation, requested);
                if (cost.TryGetProperty("throttleStatus", out var ts))
                    Observe(bucket, ts);
            }
            if (
                root.TryGetProperty("errors", out var errors)
                && errors.ValueKind == JsonValueKind.Array
                && errors.GetArrayLength() > 0
            )
            {
                // Shopify's refusal of a call the token has no scope for arrives as HTTP 200 with ACCESS_DENIED.
                if (
                    errors
                        .EnumerateArray()
                        .Any(e =>
                            e.TryGetProperty("extensions", out var x)
                            && x.TryGetProperty("code", out var c)
                            && c.GetString() == "ACCESS_DENIED"
                        )
                )
                    throw new ShopifyMissingScopeException(
                        shop,
                        operation,
                        [.. ShopifyScopes.Required[operation].Select(ShopifyScopes.AsRequested)]
                    );
                var codes = errors
                    .EnumerateArray()
                    .Select(e =>
                        e.TryGetProperty("extensions", out var x)
                        && x.TryGetProperty("code", out var c)
                        && c.ValueKind == JsonValueKind.String
                            ? c.GetString()!
                            : ""
                    )
                    .ToList();
                if (!codes.Contains("THROTTLED"))
                    throw new ShopifyGraphQLException(
                        $"{operation}: "
                            + string.Join(
                                "; ",
                                errors
                                    .EnumerateArray()
                                    .Select(e => e.TryGetProperty("message", out var m) ? m.GetString() : e.ToString())
                            ),
                        [.. codes.Where(c => c.Length > 0)]
                    );
                if (attempt >= MaxAttempts)
                    throw new ShopifyGraphQLException($"Still throttled after {MaxAttempts} attempts.");
                expectedCost = Math.Max(expectedCost, requested);
                continue; // WaitForBudgetAsync now knows how long the bucket needs
            }
            return root.GetProperty("data").Clone();
        }
    }

    /// <summary>Runs a mutation and returns its payload (<c>data.{field}</c>), throwing when it carries
    /// userErrors.</summary>
    public async Task<JsonElement> MutateAsync(
        string shop,
        string mutation,
        string payloadField,
        object? variables = null,
        double expectedCost = 10,
        CancellationToken ct = default
    )
    {
        var data = await QueryAsync(shop, mutation, variables, expectedCost, ct);
        var payload = data.GetProperty(payloadField);
        if (
            payload.TryGetProperty("userErrors", out var userErrors)
            && userErrors.ValueKind == JsonValueKind.Array
            && userErrors.GetArrayLength() > 0
        )
        {
            throw new ShopifyUserErrorsException(
                payloadField,
                userErrors
                    .EnumerateArray()
                    .Select(e => new UserError(
                        e.TryGetProperty("field", out var f) && f.ValueKind == JsonValueKind.Array
                            ? f.EnumerateArray().Select(x => x.ToString()).ToList()
                            : [],
                        e.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "",
                        e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String
                            ? c.GetString()
                            : null
                    ))
                    .ToList()
            );
        }
        return payload;
    }

    private void Observe(ShopBuckets.Bucket bucket, JsonElement status)
    {
        bucket.Maximum = status.GetProperty("maximumAvailable").GetDouble();
        bucket.Available = status.GetProperty("currentlyAvailable").GetDouble();
        bucket.RestoreRate = status.GetProperty("restoreRate").GetDouble();
        bucket.At = clock.GetUtcNow();
    }

    /// <summary>Waits until the bucket (as Shopify last described it, refilled since) can pay for the query.</summary>
    private async Task WaitForBudgetAsync(ShopBuckets.Bucket bucket, double cost, CancellationToken ct)
    {
        await bucket.Gate.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            var available = Math.Min(
                bucket.Maximum,
                bucket.Available + (now - bucket.At).TotalSeconds * bucket.RestoreRate
            );
            var needed = Math.Min(cost, bucket.Maximum);
            if (available < needed && bucket.RestoreRate > 0)
            {
                var wait = TimeSpan.FromSeconds((needed - available) / bucket.RestoreRate);
                await Task.Delay(wait, clock, ct);
                available = needed;
            }
            // Spend it now so concurrent callers for the same shop queue behind us rather than overdraw.
            bucket.Available = available - needed;
            bucket.At = clock.GetUtcNow();
        }
        finally
        {
            bucket.Gate.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Shopify marks a field in this query deprecated: {Reason}")]
        public static partial void DeprecatedFieldQueried(ILogger logger, string reason);
    }
}
