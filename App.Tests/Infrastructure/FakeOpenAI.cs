using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>A local OpenAI on 127.0.0.1: /v1/chat/completions in the real wire format, scripted answers, queued
/// failures.</summary>
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

    /// <summary>Image prompts containing any of these are refused with 400 moderation_blocked, as OpenAI's safety
    /// system does.</summary>
    public List<string> RefuseImagePrompts { get; } = [];
    public TimeSpan ImageDelay { get; set; }
    public int ImagesMaxInFlight { get; set; }
    private int _imagesInFlight;
    public ConcurrentQueue<JsonNode> SpeechCalls { get; } = new();
    public ConcurrentQueue<JsonNode> TranscriptionCalls { get; } = new();

    /// <summary>Words the transcription fake mishears (as a recogniser does with names): heard → written.</summary>
    public Dictionary<string, string> MisheardWords { get; } = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, string> _spoken = new();
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
                return Results.Json(
                    new
                    {
                        error = new
                        {
                            message = "Rate limit reached",
                            type = "requests",
                            code = "rate_limit_exceeded",
                        },
                    },
                    statusCode: status
                );
            }
            var content = fake.Content(fake.Calls.Count, body);
            return Results.Json(
                new JsonObject
                {
                    ["id"] = $"chatcmpl-{fake.Calls.Count}",
                    ["object"] = "chat.completion",
                    ["created"] = 1_760_000_000,
                    ["model"] = body["model"]!.GetValue<string>(),
                    ["choices"] = new JsonArray(
                        new JsonObject
                        {
                            ["index"] = 0,
                            ["message"] = new JsonObject
                            {
                                ["role"] = "assistant",
                                ["content"] = content,
                                ["refusal"] = null,
                            },
                            ["logprobs"] = null,
                            ["finish_reason"] = "stop",
                        }
                    ),
                    ["usage"] = new JsonObject
                    {
                        ["prompt_tokens"] = 1200,
                        ["completion_tokens"] = 2400,
                        ["total_tokens"] = 3600,
                    },
                }
            );
        });
        // Images: every request answered with Jpeg, base64, as gpt-image models answer.
        app.MapPost("/v1/images/generations", async (HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!;
            fake.ImageCalls.Enqueue(body);
            var prompt = body["prompt"]!.GetValue<string>();
            if (fake.RefuseImagePrompts.Any(w => prompt.Contains(w, StringComparison.OrdinalIgnoreCase)))
                return Results.Json(
                    new
                    {
                        error = new
                        {
                            message = "Your request was rejected as a result of our safety system.",
                            type = "image_generation_user_error",
                            param = (string?)null,
                            code = "moderation_blocked",
                        },
                    },
                    statusCode: 400
                );
            var inFlight = Interlocked.Increment(ref fake._imagesInFlight);
            lock (fake)
                fake.ImagesMaxInFlight = Math.Max(fake.ImagesMaxInFlight, inFlight);
            try
            {
                await Task.Delay(fake.ImageDelay);
            }
            finally
            {
                Interlocked.Decrement(ref fake._imagesInFlight);
            }
            return Results.Json(
                new JsonObject
                {
                    ["created"] = 1_760_000_000,
                    ["data"] = new JsonArray(new JsonObject { ["b64_json"] = Convert.ToBase64String(fake.Jpeg) }),
                    ["usage"] = new JsonObject
                    {
                        ["input_tokens"] = 50,
                        ["output_tokens"] = 1056,
                        ["total_tokens"] = 1106,
                        ["input_tokens_details"] = new JsonObject { ["text_tokens"] = 50, ["image_tokens"] = 0 },
                    },
                }
            );
        });
        // Speech: MP3 bytes (about 60 ms per character), as /v1/audio/speech answers with response_format mp3.
        // Each answer starts with an ID3v2 tag naming the speech, so the transcription fake knows what was said.
        app.MapPost("/v1/audio/speech", async (HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!;
            fake.SpeechCalls.Enqueue(body);
            var input = body["input"]!.GetValue<string>();
            // One id per answer, also when pages are spoken at once (a count read after the enqueue is shared).
            var id = Interlocked.Increment(ref fake._speechIds);
            fake._spoken[id] = input;
            return Results.Bytes([.. Id3(id), .. TestAudio.SilentMp3(input.Length * 0.06)], "audio/mpeg");
        });
        // Transcription with word timestamps (verbose_json): the words that were said, spread over the audio at 60 ms
        // a character, as a recogniser hears them — no punctuation, lower-case, and MisheardWords replaced.
        app.MapPost("/v1/audio/transcriptions", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var file = form.Files["file"]!;
            using var ms = new MemoryStream();
            await file.CopyToAsync(ms);
            fake.TranscriptionCalls.Enqueue(
                new JsonObject
                {
                    ["model"] = form["model"].ToString(),
                    ["response_format"] = form["response_format"].ToString(),
                    ["timestamp_granularities"] = form["timestamp_granularities[]"].ToString(),
                    ["language"] = form["language"].ToString(),
                    ["bytes"] = ms.Length,
                }
            );
            var text = fake._spoken.GetValueOrDefault(SpeechId(ms.ToArray()), "");
            var words = new JsonArray();
            double at = 0;
            foreach (var raw in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var heard = new string(raw.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
                var length = raw.Length * 0.06;
                if (heard.Length > 0)
                    words.Add(
                        new JsonObject
                        {
                            ["word"] = fake.MisheardWords.GetValueOrDefault(heard, heard),
                            ["start"] = Math.Round(at, 2),
                            ["end"] = Math.Round(at + length, 2),
                        }
                    );
                at += length + 0.06;
            }
            return Results.Json(
                new JsonObject
                {
                    ["task"] = "transcribe",
                    ["language"] = "english",
                    ["duration"] = Math.Round(text.Length * 0.06, 2),
                    ["text"] = text,
                    ["words"] = words,
                    ["segments"] = new JsonArray(),
                }
            );
        });
        // Moderation: an input containing any word in FlaggedWords is flagged (category violence).
        app.MapPost("/v1/moderations", async (HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!;
            fake.ModerationCalls.Enqueue(body);
            var inputs = body["input"] is JsonArray a
                ? a.Select(x => x!.GetValue<string>()).ToList()
                : [body["input"]!.GetValue<string>()];
            string[] categories =
            [
                "harassment",
                "harassment/threatening",
                "hate",
                "hate/threatening",
                "illicit",
                "illicit/violent",
                "self-harm",
                "self-harm/intent",
                "self-harm/instructions",
                "sexual",
                "sexual/minors",
                "violence",
                "violence/graphic",
            ];
            return Results.Json(
                new JsonObject
                {
                    ["id"] = "modr-1",
                    ["model"] = body["model"]?.GetValue<string>() ?? "omni-moderation-latest",
                    ["results"] = new JsonArray(
                        inputs
                            .Select(text =>
                            {
                                var flagged = fake.FlaggedWords.Any(w =>
                                    text.Contains(w, StringComparison.OrdinalIgnoreCase)
                                );
                                return (JsonNode)
                                    new JsonObject
                                    {
                                        ["flagged"] = flagged,
                                        ["categories"] = new JsonObject(
                                            categories.Select(c =>
                                                KeyValuePair.Create(
                                                    c,
                                                    (JsonNode?)JsonValue.Create(flagged && c == "violence")
                                                )
                                            )
                                        ),
                                        ["category_scores"] = new JsonObject(
                                            categories.Select(c =>
                                                KeyValuePair.Create(
                                                    c,
                                                    (JsonNode?)
                                                        JsonValue.Create(flagged && c == "violence" ? 0.97 : 0.001)
                                                )
                                            )
                                        ),
                                        ["category_applied_input_types"] = new JsonObject(
                                            categories.Select(c =>
                                                KeyValuePair.Create(c, (JsonNode?)new JsonArray("text"))
                                            )
                                        ),
                                    };
                            })
                            .ToArray()
                    ),
                }
            );
        });
        fake.Endpoint = await LocalServer.StartAsync(app) + "/v1";
        return fake;
    }

    /// <summary>A story in the schema's shape: <paramref name="pages"/> pages of about <paramref name="words"/> short
    /// words.</summary>
    public static string Story(string child, int pages, int words) =>
        new JsonObject
        {
            ["title"] = $"{child} and the Kind Cloud",
            ["description"] = $"A gentle story for {child}.",
            ["moral"] = "Kindness is a gift.",
            ["characters"] = new JsonArray(
                new JsonObject
                {
                    ["name"] = child,
                    ["role"] = "hero",
                    ["visual_description"] = "a child with short black hair and a yellow coat",
                },
                new JsonObject
                {
                    ["name"] = "Puff",
                    ["role"] = "companion",
                    ["visual_description"] = "a small white cloud with pink cheeks",
                }
            ),
            ["pages"] = new JsonArray(
                Enumerable
                    .Range(1, pages)
                    .Select(i =>
                        (JsonNode)
                            new JsonObject
                            {
                                ["text"] =
                                    $"Page {i}. "
                                    + string.Join(
                                        " ",
                                        Enumerable.Range(0, words / 4).Select(_ => $"{child} sees the sun.")
                                    ),
                                ["illustration_prompt"] = $"{child} and Puff in a meadow, page {i}",
                                ["setting"] = "meadow",
                                ["time_of_day"] = "day",
                                ["mood"] = "happy",
                            }
                    )
                    .ToArray()
            ),
        }.ToJsonString();

    /// <summary>An ID3v2.3 tag whose body carries the speech's number (players and decoders skip the tag by its
    /// size).</summary>
    private int _speechIds;

    private static byte[] Id3(int id)
    {
        var body = new byte[64];
        System.Text.Encoding.ASCII.GetBytes($"FAKETTS:{id};").CopyTo(body, 0);
        return [(byte)'I', (byte)'D', (byte)'3', 3, 0, 0, 0, 0, 0, (byte)body.Length, .. body];
    }

    private static int SpeechId(byte[] mp3)
    {
        if (mp3.Length < 74 || mp3[0] != 'I' || mp3[1] != 'D' || mp3[2] != '3')
            return 0;
        var tag = System.Text.Encoding.ASCII.GetString(mp3, 10, 64);
        var m = System.Text.RegularExpressions.Regex.Match(tag, @"FAKETTS:(\d+);");
        return m.Success ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
