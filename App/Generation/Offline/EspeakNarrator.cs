using System.Buffers.Binary;
using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace StorybookShop.Generation.Offline;

/// <summary>
/// Narration without keys: espeak-ng speaks the text in the book's language, lame encodes MP3. Through libespeak-ng
/// (<see cref="EspeakLibrary"/>) the same synthesis reports where every word starts in the audio, so offline books
/// have real word timings — the read-along reader and EPUB work with no keys. Without the library (only the command),
/// the speech comes without timings.
/// </summary>
public sealed partial class EspeakNarrator(IOptions<GenerationOptions> options) : INarrator
{
    private static readonly Lazy<bool> Library = new(EspeakLibrary.IsAvailable);

    public string Provider => Providers.Offline;
    public bool UsesContinuity => false;

    public async Task<ProviderResult<Narration>> NarrateAsync(NarrationRequest request, CancellationToken ct)
    {
        var (text, language) = (request.Text, request.Brief.Language);
        var o = options.Value.Offline.Narration;
        var dir = Directory.CreateTempSubdirectory("narration-");
        try
        {
            var txt = Path.Combine(dir.FullName, "text.txt");
            var wav = Path.Combine(dir.FullName, "speech.wav");
            var mp3 = Path.Combine(dir.FullName, "speech.mp3");
            await File.WriteAllTextAsync(txt, text, ct);
            var voice = o.Voices.TryGetValue(language, out var v) ? v : language;
            List<Data.WordTiming>? words = null;
            double seconds;
            if (Library.Value)
            {
                var speech = await EspeakLibrary.SynthesizeAsync(text, voice, o.WordsPerMinute, ct);
                await File.WriteAllBytesAsync(wav, EspeakLibrary.Wav(speech), ct);
                seconds = speech.Seconds;
                words = Timings(text, speech.Words, seconds);
            }
            else
            {
                await Run(
                    o.EspeakPath,
                    [
                        "-v",
                        voice,
                        "-s",
                        o.WordsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        "-f",
                        txt,
                        "-w",
                        wav,
                    ],
                    ct
                );
                seconds = WavSeconds(await File.ReadAllBytesAsync(wav, ct));
            }
            await Run(o.LamePath, ["--quiet", "-V", "6", wav, mp3], ct);
            var bytes = await File.ReadAllBytesAsync(mp3, ct);
            return new ProviderResult<Narration>(
                new Narration(bytes, seconds, words),
                $"espeak-ng:{voice}",
                0m,
                new
                {
                    seconds = Math.Round(seconds, 2),
                    characters = text.Length,
                    bytes = bytes.Length,
                    words = words?.Count,
                }
            );
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// One timing per word of the page (a run of non-space characters, as the EPUB and the reader split text): it
    /// starts at the synthesizer's first word event inside it; a word with no event of its own (a dash) starts where
    /// the one before it does; each word ends where the next begins, the last at the end of the audio.
    /// </summary>
    internal static List<Data.WordTiming> Timings(
        string text,
        IReadOnlyList<EspeakLibrary.WordEvent> events,
        double seconds
    )
    {
        var tokens = Token().Matches(text);
        var starts = new double?[tokens.Count];
        // Events come in speaking order, but not always in text order (espeak reports some pauses as empty words at
        // earlier positions): each event goes to the word that contains its position.
        var ends = tokens.Select(m => m.Index + m.Length).ToArray();
        foreach (var e in events)
        {
            var t = Array.BinarySearch(ends, e.TextPosition + 1);
            t = t < 0 ? ~t : t;
            if (t < tokens.Count && e.TextPosition >= tokens[t].Index && e.Length > 0)
                starts[t] ??= e.Seconds;
        }
        var words = new List<Data.WordTiming>(tokens.Count);
        double previous = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var start = Math.Clamp(Math.Max(starts[i] ?? previous, previous), 0, seconds);
            var next =
                i + 1 < tokens.Count ? starts.Skip(i + 1).FirstOrDefault(s => s is not null) ?? seconds : seconds;
            words.Add(
                new Data.WordTiming(
                    tokens[i].Value,
                    Math.Round(start, 3),
                    Math.Round(Math.Clamp(next, start, seconds), 3)
                )
            );
            previous = start;
        }
        return words;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\S+")]
    private static partial System.Text.RegularExpressions.Regex Token();

    /// <summary>Length of a PCM WAV from its header: data bytes over the byte rate.</summary>
    internal static double WavSeconds(byte[] wav)
    {
        if (wav.Length < 44)
            return 0;
        var byteRate = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(28, 4));
        var pos = 12;
        while (pos + 8 <= wav.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(wav, pos, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(pos + 4, 4));
            // espeak-ng writes 0x7fffffff-ish sizes when streaming; fall back to the file length.
            if (id == "data")
                return byteRate > 0 ? Math.Min(size, wav.Length - pos - 8) / (double)byteRate : 0;
            pos += 8 + size;
        }
        return 0;
    }

    private static async Task Run(string file, IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} exited with {process.ExitCode}: {(await stderr).Trim()}"
            );
    }
}
