using System.ClientModel;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Audio;
using StorybookShop.Generation.Audio;

namespace StorybookShop.Generation.OpenAI;

/// <summary>
/// OpenAI text-to-speech (<c>POST /v1/audio/speech</c>), MP3 per page. Speech comes without word timings, so the
/// narration is then transcribed with word timestamps (<c>POST /v1/audio/transcriptions</c>,
/// <c>timestamp_granularities[]=word</c>) and the transcript aligned to the page's own words
/// (<see cref="WordAlignment"/>): the read-along reader and EPUB work for OpenAI-narrated books too.
/// </summary>
public sealed partial class OpenAiNarrator(IOptions<OpenAiOptions> options, IHttpClientFactory http) : INarrator
{
    private AudioClient? _client;
    private AudioClient? _transcriber;

    public string Provider => Generation.Providers.OpenAI;
    public bool UsesContinuity => false;

    private AudioClient Client =>
        _client ??= new AudioClient(
            options.Value.Audio.Model,
            new ApiKeyCredential(options.Value.ApiKey),
            OpenAiClientOptions.ForJobs(options.Value, http)
        );

    private AudioClient Transcriber =>
        _transcriber ??= new AudioClient(
            options.Value.Audio.TranscriptionModel,
            new ApiKeyCredential(options.Value.ApiKey),
            OpenAiClientOptions.ForJobs(options.Value, http)
        );

    public async Task<ProviderResult<Narration>> NarrateAsync(NarrationRequest request, CancellationToken ct)
    {
        var o = options.Value.Audio;
        var voice = string.IsNullOrWhiteSpace(request.Brief.Settings.Voice) ? o.Voice : request.Brief.Settings.Voice;
        var speech = new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Mp3 };
        if (!string.IsNullOrWhiteSpace(o.Instructions))
            speech.Instructions = o.Instructions;
        var audio = (
            await OpenAiRefusals.GuardAsync(Generation.Providers.OpenAI, () =>
                Client.GenerateSpeechAsync(request.Text, new GeneratedSpeechVoice(voice), speech, ct)
            )
        ).Value.ToArray();
        var seconds = Mp3.Seconds(audio);
        if (seconds <= 0)
            throw new InvalidOperationException("OpenAI returned audio that is not MP3.");
        var cost = Math.Round(request.Text.Length * o.PricePerThousandCharacters / 1000m, 6);
        List<Data.WordTiming>? words = null;
        int? heardWords = null;
        if (!string.IsNullOrWhiteSpace(o.TranscriptionModel))
        {
            using var stream = new MemoryStream(audio, writable: false);
            var transcript = (
                await OpenAiRefusals.GuardAsync(Generation.Providers.OpenAI, () => Transcriber.TranscribeAudioAsync(
                        stream,
                        "page.mp3",
                        new AudioTranscriptionOptions
                        {
                            ResponseFormat = AudioTranscriptionFormat.Verbose,
                            TimestampGranularities = AudioTimestampGranularities.Word,
                            Language = request.Brief.Language,
                        },
                        ct
                    ))
            ).Value;
            var heard = transcript
                .Words.Select(w => new WordAlignment.Heard(w.Word, w.StartTime.TotalSeconds, w.EndTime.TotalSeconds))
                .ToList();
            heardWords = heard.Count;
            words = WordAlignment.Align(
                WordSplit().Matches(request.Text).Select(m => m.Value).ToList(),
                heard,
                seconds
            );
            cost += Math.Round((decimal)seconds / 60m * o.TranscriptionPricePerMinute, 6);
        }
        return new ProviderResult<Narration>(
            new Narration(audio, seconds, words),
            o.Model,
            cost,
            new
            {
                voice,
                characters = request.Text.Length,
                seconds = Math.Round(seconds, 2),
                transcription = o.TranscriptionModel,
                heardWords,
            }
        );
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\S+")]
    private static partial System.Text.RegularExpressions.Regex WordSplit();
}
