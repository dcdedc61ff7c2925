using System.ClientModel;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Audio;
using StorybookShop.Generation.Audio;

namespace StorybookShop.Generation.OpenAI;

/// <summary>OpenAI text-to-speech (<c>POST /v1/audio/speech</c>), MP3 per page. It gives no word timings, so books it narrates have no read-along EPUB.</summary>
public sealed class OpenAiNarrator(IOptions<OpenAiOptions> options, IHttpClientFactory http) : INarrator
{
    private AudioClient? _client;

    public string Provider => "openai";
    public bool UsesContinuity => false;

    private AudioClient Client => _client ??= new AudioClient(options.Value.Audio.Model,
        new ApiKeyCredential(options.Value.ApiKey),
        OpenAiClientOptions.ForJobs(options.Value, http));

    public async Task<ProviderResult<Narration>> NarrateAsync(NarrationRequest request, CancellationToken ct)
    {
        var o = options.Value.Audio;
        var voice = string.IsNullOrWhiteSpace(request.Brief.Settings.Voice) ? o.Voice : request.Brief.Settings.Voice;
        var speech = new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Mp3 };
        if (!string.IsNullOrWhiteSpace(o.Instructions)) speech.Instructions = o.Instructions;
        var audio = (await Client.GenerateSpeechAsync(request.Text, new GeneratedSpeechVoice(voice), speech,
            ct)).Value.ToArray();
        var seconds = Mp3.Seconds(audio);
        if (seconds <= 0) throw new InvalidOperationException("OpenAI returned audio that is not MP3.");
        var cost = Math.Round(request.Text.Length * o.PricePerThousandCharacters / 1000m, 6);
        return new ProviderResult<Narration>(new Narration(audio, seconds, null), o.Model, cost, new { voice,
            characters = request.Text.Length, seconds = Math.Round(seconds, 2) });
    }
}
