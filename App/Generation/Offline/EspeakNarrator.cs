using System.Buffers.Binary;
using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace StorybookShop.Generation.Offline;

/// <summary>Narration without keys: espeak-ng speaks the text in the book's language, lame encodes MP3.</summary>
public sealed class EspeakNarrator(IOptions<GenerationOptions> options) : INarrator
{
    public string Provider => "offline";
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
            await Run(o.EspeakPath, ["-v", voice, "-s", o.WordsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture), "-f", txt, "-w", wav], ct);
            var seconds = WavSeconds(await File.ReadAllBytesAsync(wav, ct));
            await Run(o.LamePath, ["--quiet", "-V", "6", wav, mp3], ct);
            var bytes = await File.ReadAllBytesAsync(mp3, ct);
            return new ProviderResult<Narration>(new Narration(bytes, seconds, null), $"espeak-ng:{voice}", 0m,
                new { seconds = Math.Round(seconds, 2), characters = text.Length, bytes = bytes.Length });
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Length of a PCM WAV from its header: data bytes over the byte rate.</summary>
    internal static double WavSeconds(byte[] wav)
    {
        if (wav.Length < 44) return 0;
        var byteRate = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(28, 4));
        var pos = 12;
        while (pos + 8 <= wav.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(wav, pos, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(pos + 4, 4));
            // espeak-ng writes 0x7fffffff-ish sizes when streaming; fall back to the file length.
            if (id == "data") return byteRate > 0 ? Math.Min(size, wav.Length - pos - 8) / (double)byteRate : 0;
            pos += 8 + size;
        }
        return 0;
    }

    private static async Task Run(string file, IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {(await stderr).Trim()}");
    }
}
