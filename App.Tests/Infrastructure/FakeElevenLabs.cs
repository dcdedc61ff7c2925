using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>
/// A local ElevenLabs on 127.0.0.1: <c>POST /v1/text-to-speech/{voice}/with-timestamps</c> answering as the
/// real API does (audio_base64, per-character alignment, a request-id header), with a concurrency limit that
/// answers 429 too_many_concurrent_requests, scripted failures, and refusals for marked text.
/// </summary>
public sealed class FakeElevenLabs : IAsyncDisposable
{
    public const double SecondsPerCharacter = 0.05;
    private readonly WebApplication _app;
    private int _inFlight,
        _requests;

    private FakeElevenLabs(WebApplication app) => _app = app;

    public sealed record Call(
        string Voice,
        string? ApiKey,
        string? OutputFormat,
        JsonNode Body,
        string? RequestId,
        int Status
    );

    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>Failures to answer with before serving: (HTTP status, detail.status, Retry-After seconds or null);
    /// status 0 = hang that many seconds (a timeout).</summary>
    public ConcurrentQueue<(int Status, string DetailStatus, int? RetryAfter)> FailNext { get; } = new();

    /// <summary>Text containing any of these is refused with 422 (a permanent failure).</summary>
    public List<string> RefuseText { get; } = [];

    /// <summary>More requests at once than this get 429 too_many_concurrent_requests (0 = no limit).</summary>
    public int ConcurrencyLimit { get; set; }
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(50);
    public int MaxInFlight { get; private set; }
    public string Endpoint { get; private set; } = "";

    public static async Task<FakeElevenLabs> StartAsync()
    {
        var app = LocalServer.Create();
        var fake = new FakeElevenLabs(app);
        app.MapPost("/v1/text-to-speech/{voice}/with-timestamps", async (string voice, HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!;
            var key = request.Headers["xi-api-key"].ToString();
            var format = request.Query["output_format"].ToString();
            var inFlight = Interlocked.Increment(ref fake._inFlight);
            try
            {
                lock (fake)
                    fake.MaxInFlight = Math.Max(fake.MaxInFlight, inFlight);
                IResult Error(int status, string detail, string message, int? retryAfter = null)
                {
                    fake.Calls.Enqueue(new Call(voice, key, format, body, null, status));
                    if (retryAfter is { } r)
                        request.HttpContext.Response.Headers["Retry-After"] = r.ToString(
                            System.Globalization.CultureInfo.InvariantCulture
                        );
                    return Results.Json(new { detail = new { status = detail, message } }, statusCode: status);
                }
                if (string.IsNullOrEmpty(key))
                    return Error(401, "invalid_api_key", "Invalid API key");
                if (fake.ConcurrencyLimit > 0 && inFlight > fake.ConcurrencyLimit)
                    return Error(429, "too_many_concurrent_requests", "Too many concurrent requests for your plan.");
                if (fake.FailNext.TryDequeue(out var fail))
                {
                    if (fail.Status != 0)
                        return Error(fail.Status, fail.DetailStatus, "Scripted failure", fail.RetryAfter);
                    fake.Calls.Enqueue(new Call(voice, key, format, body, null, 0));
                    await Task.Delay(TimeSpan.FromSeconds(fail.RetryAfter ?? 10), request.HttpContext.RequestAborted);
                }
                var text = body["text"]!.GetValue<string>();
                if (fake.RefuseText.Any(t => text.Contains(t, StringComparison.Ordinal)))
                    return Error(422, "content_against_policy", "The text could not be converted.");
                await Task.Delay(fake.Delay);

                var requestId = $"req-{Interlocked.Increment(ref fake._requests):D4}";
                var seconds = text.Length * SecondsPerCharacter;
                request.HttpContext.Response.Headers["request-id"] = requestId;
                fake.Calls.Enqueue(new Call(voice, key, format, body, requestId, 200));
                var chars = text.Select(c => (JsonNode?)JsonValue.Create(c.ToString())).ToArray();
                var starts = text.Select((_, i) => (JsonNode?)JsonValue.Create(Math.Round(i * SecondsPerCharacter, 3)))
                    .ToArray();
                var ends = text.Select(
                        (_, i) => (JsonNode?)JsonValue.Create(Math.Round((i + 1) * SecondsPerCharacter, 3))
                    )
                    .ToArray();
                return Results.Json(
                    new JsonObject
                    {
                        ["audio_base64"] = Convert.ToBase64String(TestAudio.SilentMp3(seconds)),
                        ["alignment"] = new JsonObject
                        {
                            ["characters"] = new JsonArray(chars),
                            ["character_start_times_seconds"] = new JsonArray(starts),
                            ["character_end_times_seconds"] = new JsonArray(ends),
                        },
                        ["normalized_alignment"] = new JsonObject
                        {
                            ["characters"] = new JsonArray(
                                text.Select(c => (JsonNode?)JsonValue.Create(c.ToString())).ToArray()
                            ),
                            ["character_start_times_seconds"] = new JsonArray(
                                text.Select(
                                        (_, i) => (JsonNode?)JsonValue.Create(Math.Round(i * SecondsPerCharacter, 3))
                                    )
                                    .ToArray()
                            ),
                            ["character_end_times_seconds"] = new JsonArray(
                                text.Select(
                                        (_, i) =>
                                            (JsonNode?)JsonValue.Create(Math.Round((i + 1) * SecondsPerCharacter, 3))
                                    )
                                    .ToArray()
                            ),
                        },
                    }
                );
            }
            finally
            {
                Interlocked.Decrement(ref fake._inFlight);
            }
        });
        fake.Endpoint = await LocalServer.StartAsync(app);
        return fake;
    }

    public IReadOnlyList<Call> Served => Calls.Where(c => c.Status == 200).ToList();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
