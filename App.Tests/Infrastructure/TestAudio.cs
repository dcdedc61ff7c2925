using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>Real MP3s made by lame (for the fake providers), and an independent way to measure one: decode it with
/// lame.</summary>
public static class TestAudio
{
    private static readonly ConcurrentDictionary<int, byte[]> Cache = new();

    /// <summary>A silent MP3 about <paramref name="seconds"/> long (to the nearest 50 ms), 22.05 kHz mono, as a TTS
    /// service might send.</summary>
    public static byte[] SilentMp3(double seconds) => Cache.GetOrAdd((int)Math.Round(seconds * 20), twentieths =>
        {
            var samples = twentieths * 22050 / 20;
            var wav = new byte[44 + samples * 2];
            "RIFF"u8.CopyTo(wav);
            BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(4), 36 + samples * 2);
            "WAVEfmt "u8.CopyTo(wav.AsSpan(8));
            BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(16), 16);
            BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(20), 1);
            BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(22), 1);
            BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(24), 22050);
            BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(28), 44100);
            BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(32), 2);
            BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(34), 16);
            "data"u8.CopyTo(wav.AsSpan(36));
            BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(40), samples * 2);
            var dir = Directory.CreateTempSubdirectory("fake-tts-");
            try
            {
                File.WriteAllBytes(Path.Combine(dir.FullName, "in.wav"), wav);
                Run(
                    "lame",
                    "--quiet",
                    "-b",
                    "32",
                    Path.Combine(dir.FullName, "in.wav"),
                    Path.Combine(dir.FullName, "out.mp3")
                );
                return File.ReadAllBytes(Path.Combine(dir.FullName, "out.mp3"));
            }
            finally
            {
                dir.Delete(true);
            }
        });

    /// <summary>Length of an MP3 in seconds, measured by decoding it with lame (not by our own frame parser).</summary>
    public static double DecodedSeconds(byte[] mp3)
    {
        var dir = Directory.CreateTempSubdirectory("decode-");
        try
        {
            File.WriteAllBytes(Path.Combine(dir.FullName, "in.mp3"), mp3);
            Run(
                "lame",
                "--quiet",
                "--decode",
                Path.Combine(dir.FullName, "in.mp3"),
                Path.Combine(dir.FullName, "out.wav")
            );
            var wav = File.ReadAllBytes(Path.Combine(dir.FullName, "out.wav"));
            var byteRate = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(28));
            return (wav.Length - 44) / (double)byteRate;
        }
        finally
        {
            dir.Delete(true);
        }
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} failed: {err}");
    }
}
