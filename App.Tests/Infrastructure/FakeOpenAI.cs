using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>A local OpenAI on 127.0.0.1: /v1/chat/completions in the real wire format, scripted answers, queued failures.</summary>
public sealed class FakeOpenAI : IAsyncDisposable
{
    private readonly WebApplication _app;
    private FakeOpenAI(WebApplication app) => _app = app;

    public sealed record Call(JsonNode Body, string? Authorization);
    public ConcurrentQueue<Call> Calls { get; } = new();
    /// <summary>The assistant's content for each call (the story JSON); the call number starts at 1.</summary>
    public Func<int, JsonNode, string> Content { get; set; } = (_, _) => "{}";
    public ConcurrentQueue<int> FailNext { get; } = new();
    public ConcurrentQueue<JsonNode> ModerationCalls { get; } = new();
    public ConcurrentQueue<JsonNode> ImageCalls { get; } = new();
    /// <summary>What every image request gets back; tests put a real JPEG here.</summary>
    public byte[] Jpeg { get; set; } = [];
    public List<string> FlaggedWords { get; } = ["stabbing"];
    /// <summary>Image prompts containing any of these are refused with 400 moderation_blocked, as OpenAI's safety system does.</summary>
    public List<string> RefuseImagePrompts { get; } = [];
    public TimeSpan ImageDelay { get; set; }
    public int ImagesMaxInFlight { get; set; }
    private int _imagesInFlight;
    public ConcurrentQueue<JsonNode> SpeechCalls { get; } = new();
    public string Endpoint { get; private set; } = "";

    public static async Task<FakeOpenAI> StartAsync()
    {
        var app = LocalServer.Create();
        var fake = new FakeOpenAI(app);
        app.MapPost("/v1/chat/completions", async (HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!;
            fake.Calls.Enqueue(new Call(body, request.Headers.Authorization.ToString()));
            if (fake.FailNext.TryDequeue(out var status))
            {
                request.HttpContext.Response.Headers["Retry-After"] = "1";
                return Results.Json(new { error = new { message = "Rate limit reached", type = "requests", code = "rate_limit_exceeded" } }, statusCode: status);
            }
            var content = fake.Content(fake.Calls.Count, body);
            return Results.Json(new JsonObject
            {
                ["id"] = $"chatcmpl-{fake.Calls.Count}", ["object"] = "chat.completion", ["created"] = 1_760_000_000, ["model"] = body["model"]!.GetValue<string>(),
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0, ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = null }, ["logprobs"] = null, ["finish_reason"] = "stop",
                }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 1200, ["completion_tokens"] = 2400, ["total_tokens"] = 3600 },
            });
        });
        // Images: every request answered with Jpeg, base64, as gpt-image models answer.
        app.MapPost("/v1/images/generations", async (HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!;
            fake.ImageCalls.Enqueue(body);
            var prompt = body["prompt"]!.GetValue<string>();
            if (fake.RefuseImagePrompts.Any(w => prompt.Contains(w, StringComparison.OrdinalIgnoreCase)))
                return Results.Json(new { error = new { message = "Your request was rejected as a result of our safety system.", type = "image_generation_user_error", param = (string?)null, code = "moderation_blocked" } }, statusCode: 400);
            var inFlight = Interlocked.Increment(ref fake._imagesInFlight);
            lock (fake) fake.ImagesMaxInFlight = Math.Max(fake.ImagesMaxInFlight, inFlight);
            try { await Task.Delay(fake.ImageDelay); }
            finally { Interlocked.Decrement(ref fake._imagesInFlight); }
            return Results.Json(new JsonObject
            {
                ["created"] = 1_760_000_000,
                ["data"] = new JsonArray(new JsonObject { ["b64_json"] = Convert.ToBase64String(fake.Jpeg) }),
                ["usage"] = new JsonObject { ["input_tokens"] = 50, ["output_tokens"] = 1056, ["total_tokens"] = 1106, ["input_tokens_details"] = new JsonObject { ["text_tokens"] = 50, ["image_tokens"] = 0 } },
            });
        });
        // Speech: MP3 bytes (about 60 ms per character), as /v1/audio/speech answers with response_format mp3.
        app.MapPost("/v1/audio/speech", async (HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!;
            fake.SpeechCalls.Enqueue(body);
            return Results.Bytes(TestAudio.SilentMp3(body["input"]!.GetValue<string>().Length * 0.06), "audio/mpeg");
        });
        // Moderation: an input containing any word in FlaggedWords is flagged (category violence).
        app.MapPost("/v1/moderations", async (HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!;
            fake.ModerationCalls.Enqueue(body);
            var inputs = body["input"] is JsonArray a ? a.Select(x => x!.GetValue<string>()).ToList() : [body["input"]!.GetValue<string>()];
            string[] categories = ["harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent", "self-harm",
                "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence", "violence/graphic"];
            return Results.Json(new JsonObject
            {
                ["id"] = "modr-1", ["model"] = body["model"]?.GetValue<string>() ?? "omni-moderation-latest",
                ["results"] = new JsonArray(inputs.Select(text =>
                {
                    var flagged = fake.FlaggedWords.Any(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));
                    return (JsonNode)new JsonObject
                    {
                        ["flagged"] = flagged,
                        ["categories"] = new JsonObject(categories.Select(c => KeyValuePair.Create(c, (JsonNode?)JsonValue.Create(flagged && c == "violence")))),
                        ["category_scores"] = new JsonObject(categories.Select(c => KeyValuePair.Create(c, (JsonNode?)JsonValue.Create(flagged && c == "violence" ? 0.97 : 0.001)))),
                        ["category_applied_input_types"] = new JsonObject(categories.Select(c => KeyValuePair.Create(c, (JsonNode?)new JsonArray("text")))),
                    };
                }).ToArray()),
            });
        });
        fake.Endpoint = await LocalServer.StartAsync(app) + "/v1";
        return fake;
    }

    /// <summary>A story in the schema's shape: <paramref name="pages"/> pages of about <paramref name="words"/> short words.</summary>
    public static string Story(string child, int pages, int words) => new JsonObject
    {
        ["title"] = $"{child} and the Kind Cloud", ["description"] = $"A gentle story for {child}.", ["moral"] = "Kindness is a gift.",
        ["characters"] = new JsonArray(
            new JsonObject { ["name"] = child, ["role"] = "hero", ["visual_description"] = "a child with short black hair and a yellow coat" },
            new JsonObject { ["name"] = "Puff", ["role"] = "companion", ["visual_description"] = "a small white cloud with pink cheeks" }),
        ["pages"] = new JsonArray(Enumerable.Range(1, pages).Select(i => (JsonNode)new JsonObject
        {
            ["text"] = $"Page {i}. " + string.Join(" ", Enumerable.Range(0, words / 4).Select(_ => $"{child} sees the sun.")),
            ["illustration_prompt"] = $"{child} and Puff in a meadow, page {i}", ["setting"] = "meadow", ["time_of_day"] = "day", ["mood"] = "happy",
        }).ToArray()),
    }.ToJsonString();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
