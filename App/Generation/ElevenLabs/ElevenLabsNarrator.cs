using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using StorybookShop.Generation.Audio;

namespace StorybookShop.Generation.ElevenLabs;

/// <summary>
/// ElevenLabs text-to-speech over REST (<c>POST /v1/text-to-speech/{voice}/with-timestamps</c>): MP3 plus
/// per-character timings, turned into word timings for read-along. Pages are spoken in order, each passing
/// the request ids of up to three pages before it (<c>previous_request_ids</c>) so the voice carries on.
/// <c>too_many_concurrent_requests</c> waits for a slot; <c>system_busy</c> and other failures end the attempt and
/// the narration job retries (Hosting.ProviderResilience); 400/401/403/404/422 are not retried at all.
/// </summary>
public sealed class ElevenLabsNarrator(IHttpClientFactory http, IOptions<ElevenLabsOptions> options)
    : INarrator,
        IDisposable
{
    public const string HttpClientName = Generation.Providers.ElevenLabs;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.Concurrency));

    public string Provider => Generation.Providers.ElevenLabs;
    public bool UsesContinuity => true;

    public async Task<ProviderResult<Narration>> NarrateAsync(NarrationRequest request, CancellationToken ct)
    {
        var o = options.Value;
        var voice = string.IsNullOrWhiteSpace(request.Brief.Settings.Voice) ? o.VoiceId : request.Brief.Settings.Voice;
        var body = new SpeechRequest(
            request.Text,
            o.ModelId,
            o.SendLanguageCode ? request.Brief.Language : null,
            request.PreviousRequestIds.Count == 0 ? null : request.PreviousRequestIds.TakeLast(3).ToList()
        );
        var uri =
            $"{o.Endpoint.TrimEnd('/')}/v1/text-to-speech/{Uri.EscapeDataString(voice)}/with-timestamps"
            + $"?output_format={Uri.EscapeDataString(o.OutputFormat)}";
        var waitUntil = DateTimeOffset.UtcNow + o.MaxSlotWait;
        var slotWaits = 0;
        while (true)
        {
            using var response = await SendAsync(uri, body, ct);
            if (response.IsSuccessStatusCode)
                return await ReadAsync(response, request, body, voice, slotWaits, ct);

            var error = await response.Content.ReadAsStringAsync(ct);
            var status = ErrorStatus(error);
            if (
                response.StatusCode == HttpStatusCode.TooManyRequests
                && status == "too_many_concurrent_requests"
                && DateTimeOffset.UtcNow < waitUntil
            )
            {
                // Every slot of the plan is busy (other nodes, other apps on the key): wait for one to free up.
                slotWaits++;
                var retryAfter = response.Headers.RetryAfter?.Delta
                    ?? (response.Headers.RetryAfter?.Date is { } d ? d - DateTimeOffset.UtcNow : null);
                await Task.Delay(Clamp(retryAfter ?? TimeSpan.FromMilliseconds(250 * Math.Min(slotWaits, 8))), ct);
                continue;
            }
            // "Busy" (429 system_busy, 503) and every other failure end this attempt: the narration job is the retry
            // layer (Hosting.ProviderResilience); pages already spoken are kept.
            var message =
                $"ElevenLabs answered {(int)response.StatusCode}{(status is null ? "" : $" ({status})")}: "
                + Message(error);
            if (ProviderRefusedException.IsRefusal((int)response.StatusCode))
                throw new ProviderRefusedException(Generation.Providers.ElevenLabs, (int)response.StatusCode, message);
            throw new HttpRequestException(message, null, response.StatusCode);
        }
    }

    /// <summary>One call, holding one of this node's slots while it is in flight.</summary>
    private async Task<HttpResponseMessage> SendAsync(string uri, SpeechRequest body, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, uri)
            {
                Content = JsonContent.Create(body, options: Json),
            };
            message.Headers.Add("xi-api-key", options.Value.ApiKey);
            return await http.CreateClient(HttpClientName).SendAsync(message, ct);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>The audio, its word timings (from the character alignment) and the call's cost.</summary>
    private async Task<ProviderResult<Narration>> ReadAsync(
        HttpResponseMessage response,
        NarrationRequest request,
        SpeechRequest body,
        string voice,
        int slotWaits,
        CancellationToken ct
    )
    {
        var o = options.Value;
        var answer = await response.Content.ReadFromJsonAsync<SpeechResponse>(Json, ct)
            ?? throw new InvalidOperationException("ElevenLabs returned an empty answer.");
        var mp3 = Convert.FromBase64String(
            answer.AudioBase64 ?? throw new InvalidOperationException("ElevenLabs returned no audio.")
        );
        var a = answer.Alignment;
        var words = a is null
            ? null
            : Alignment.Words(a.Characters, a.CharacterStartTimesSeconds, a.CharacterEndTimesSeconds);
        var requestId = response.Headers.TryGetValues("request-id", out var ids) ? ids.FirstOrDefault() : null;
        var seconds = Mp3.Seconds(mp3);
        var cost = Math.Round(request.Text.Length * o.PricePerThousandCharacters / 1000m, 6);
        return new ProviderResult<Narration>(
            new Narration(mp3, seconds, words, requestId),
            o.ModelId,
            cost,
            new
            {
                voice,
                characters = request.Text.Length,
                requestId,
                previousRequestIds = body.PreviousRequestIds,
                seconds = Math.Round(seconds, 2),
                slotWaits,
            }
        );
    }

    private static TimeSpan Clamp(TimeSpan t) =>
        t < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50)
        : t > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30)
        : t;

    /// <summary>ElevenLabs errors look like {"detail": {"status": "...", "message": "..."}} (or a list for validation
    /// errors).</summary>
    private static string? ErrorStatus(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return
                doc.RootElement.TryGetProperty("detail", out var d)
                && d.ValueKind == JsonValueKind.Object
                && d.TryGetProperty("status", out var s)
                ? s.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Message(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("detail", out var d))
                return d.ValueKind == JsonValueKind.Object && d.TryGetProperty("message", out var m)
                    ? m.GetString() ?? ""
                    : d.ToString();
        }
        catch (JsonException) { }
        return body.Length > 300 ? body[..300] : body;
    }

    public void Dispose() => _slots.Dispose();

    private sealed record SpeechRequest(
        [property: JsonPropertyName("text")] string Text,
        [property: JsonPropertyName("model_id")] string ModelId,
        [property: JsonPropertyName("language_code")] string? LanguageCode,
        [property: JsonPropertyName("previous_request_ids")] List<string>? PreviousRequestIds
    );

    private sealed record SpeechResponse(
        [property: JsonPropertyName("audio_base64")] string? AudioBase64,
        [property: JsonPropertyName("alignment")] CharacterAlignment? Alignment
    );

    private sealed record CharacterAlignment(
        [property: JsonPropertyName("characters")] List<string> Characters,
        [property: JsonPropertyName("character_start_times_seconds")] List<double> CharacterStartTimesSeconds,
        [property: JsonPropertyName("character_end_times_seconds")] List<double> CharacterEndTimesSeconds
    );
}
