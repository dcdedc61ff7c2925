using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>
/// A local Anthropic on 127.0.0.1: <c>POST /v1/messages</c> in the Messages API's wire format (content blocks, stop
/// reason, usage), the key (<c>x-api-key</c> or a bearer token) and <c>anthropic-version</c> required, and its error
/// shapes on demand:
/// 429 <c>rate_limit_error</c> with <c>retry-after</c>, 529 <c>overloaded_error</c>, 400 <c>invalid_request_error</c>.
/// </summary>
public sealed class FakeAnthropic : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeAnthropic(WebApplication app) => _app = app;

    public sealed record Call(JsonNode Body, string? ApiKey, string? Version);

    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>The assistant's text for each call (the story JSON); the call number starts at 1.</summary>
    public Func<int, JsonNode, string> Content { get; set; } = (_, _) => "{}";

    /// <summary>Statuses the next calls fail with (429, 529, 400, 500).</summary>
    public ConcurrentQueue<int> FailNext { get; } = new();
    public string Endpoint { get; private set; } = "";
    public const int InputTokens = 1100,
        OutputTokens = 2300;

    public static async Task<FakeAnthropic> StartAsync()
    {
        var app = LocalServer.Create();
        var fake = new FakeAnthropic(app);
        app.MapPost("/v1/messages", async (HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!;
            // The key comes as x-api-key, or (the SDK 13.x) as a bearer token; either is the caller's key.
            var bearer = request.Headers.Authorization.ToString();
            var key =
                request.Headers["x-api-key"].ToString() is { Length: > 0 } k ? k
                : bearer.StartsWith("Bearer ", StringComparison.Ordinal) ? bearer[7..]
                : null;
            fake.Calls.Enqueue(new Call(body, key, request.Headers["anthropic-version"]));
            var n = fake.Calls.Count;
            request.HttpContext.Response.Headers["request-id"] = $"req_{n:D4}";
            if (string.IsNullOrEmpty(key))
                return Error(401, "authentication_error", "x-api-key header is required");
            if (string.IsNullOrEmpty(request.Headers["anthropic-version"]))
                return Error(400, "invalid_request_error", "anthropic-version: header is required");
            if (body["max_tokens"] is null || body["model"] is null)
                return Error(400, "invalid_request_error", "max_tokens: Field required");
            if (fake.FailNext.TryDequeue(out var status))
            {
                if (status == 429)
                    request.HttpContext.Response.Headers["retry-after"] = "1";
                return status switch
                {
                    429 => Error(
                        429,
                        "rate_limit_error",
                        "Number of request tokens has exceeded your per-minute rate limit"
                    ),
                    529 => Error(529, "overloaded_error", "Overloaded"),
                    400 => Error(400, "invalid_request_error", "messages: text content blocks must be non-empty"),
                    _ => Error(status, "api_error", "Internal server error"),
                };
            }
            return Results.Json(
                new JsonObject
                {
                    ["id"] = $"msg_{n:D4}",
                    ["type"] = "message",
                    ["role"] = "assistant",
                    ["model"] = body["model"]!.GetValue<string>(),
                    ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = fake.Content(n, body) }),
                    ["stop_reason"] = "end_turn",
                    ["stop_sequence"] = null,
                    ["usage"] = new JsonObject
                    {
                        ["input_tokens"] = InputTokens,
                        ["output_tokens"] = OutputTokens,
                        ["cache_creation_input_tokens"] = 0,
                        ["cache_read_input_tokens"] = 0,
                    },
                }
            );
        });
        fake.Endpoint = await LocalServer.StartAsync(app);
        return fake;
    }

    private static IResult Error(int status, string type, string message) =>
        Results.Json(
            new JsonObject
            {
                ["type"] = "error",
                ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
            },
            statusCode: status
        );

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
