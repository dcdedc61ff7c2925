using System.Runtime.InteropServices;
using System.Text;

namespace StorybookShop.Generation.Offline;

/// <summary>
/// libespeak-ng (the library behind the espeak-ng command) through P/Invoke: one synthesis gives the speech and, in
/// the same pass, a <c>WORD</c> event for every word with its position in the text and in the audio — real word
/// timings, not estimates. The library keeps global state, so one synthesis runs at a time in the process.
/// </summary>
internal static partial class EspeakLibrary
{
    private const string Library = "libespeak-ng.so.1";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static int _sampleRate;

    /// <summary>A word as the synthesizer reported it: where it starts in the text (0-based character index) and in
    /// the audio (seconds).</summary>
    public readonly record struct WordEvent(int TextPosition, int Length, double Seconds);

    /// <summary>16-bit mono PCM at <paramref name="SampleRate"/>, and the word events in order.</summary>
    public sealed record Speech(short[] Samples, int SampleRate, IReadOnlyList<WordEvent> Words)
    {
        public double Seconds => Samples.Length / (double)SampleRate;
    }

    public static bool IsAvailable()
    {
        try
        {
            return NativeLibrary.TryLoad(Library, typeof(EspeakLibrary).Assembly, null, out _);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    public static async Task<Speech> SynthesizeAsync(
        string text,
        string voice,
        int wordsPerMinute,
        CancellationToken ct
    )
    {
        await Gate.WaitAsync(ct);
        try
        {
            return Synthesize(text, voice, wordsPerMinute);
        }
        finally
        {
            Gate.Release();
        }
    }

    private static Speech Synthesize(string text, string voice, int wordsPerMinute)
    {
        if (_sampleRate == 0)
        {
            // Synchronous output: the callback gets every block of samples before espeak_Synth returns.
            _sampleRate = espeak_Initialize(AudioOutputSynchronous, 200, IntPtr.Zero, InitializeDontExit);
            if (_sampleRate <= 0)
                throw new InvalidOperationException("libespeak-ng could not initialise.");
        }
        var samples = new List<short>(_sampleRate * 10);
        var words = new List<WordEvent>();
        // Character positions from the library count characters (1-based) of the UTF-8 text; keep the map to
        // UTF-16 indexes for texts with letters outside the BMP.
        var positions = CharacterIndexes(text);
        SynthCallback callback = (wav, count, events) =>
        {
            if (wav != IntPtr.Zero && count > 0)
            {
                var block = new short[count];
                Marshal.Copy(wav, block, 0, count);
                samples.AddRange(block);
            }
            for (var e = events; ; e += EventSize)
            {
                var type = Marshal.ReadInt32(e);
                if (type == EventListTerminated)
                    break;
                if (type != EventWord)
                    continue;
                var position = Marshal.ReadInt32(e, 8) - 1;
                var length = Marshal.ReadInt32(e, 12);
                var ms = Marshal.ReadInt32(e, 16);
                var index = position >= 0 && position < positions.Length ? positions[position] : text.Length;
                words.Add(new WordEvent(index, length, ms / 1000.0));
            }
            return 0;
        };
        espeak_SetSynthCallback(callback);
        try
        {
            Speak(text, voice, wordsPerMinute);
        }
        finally
        {
            GC.KeepAlive(callback);
        }
        return new Speech([.. samples], _sampleRate, words);
    }

    /// <summary>Speaks the text with the voice and rate into the callback set before.</summary>
    private static void Speak(string text, string voice, int wordsPerMinute)
    {
        if (espeak_SetVoiceByName(voice) != 0 && espeak_SetVoiceByName("en") != 0)
            throw new InvalidOperationException($"libespeak-ng has no voice {voice}.");
        if (espeak_SetParameter(ParameterRate, wordsPerMinute, 0) != 0)
            throw new InvalidOperationException("libespeak-ng refused the speaking rate.");
        var bytes = Encoding.UTF8.GetBytes(text + "\0");
        var handle = GCHandle.Alloc(bytes, GCHandleType.Pinned);
        try
        {
            var status = espeak_Synth(
                handle.AddrOfPinnedObject(),
                (nuint)bytes.Length,
                0,
                PositionCharacter,
                0,
                CharsUtf8,
                IntPtr.Zero,
                IntPtr.Zero
            );
            if (status != 0)
                throw new InvalidOperationException($"libespeak-ng could not speak (status {status}).");
            if (espeak_Synchronize() != 0)
                throw new InvalidOperationException("libespeak-ng did not finish speaking.");
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>For each character of the text as the library counts them (code points), its UTF-16 index.</summary>
    private static int[] CharacterIndexes(string text)
    {
        var map = new List<int>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            map.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length)
                i++;
        }
        return [.. map];
    }

    /// <summary>A WAV file (RIFF, PCM 16-bit mono) of the samples, for the MP3 encoder.</summary>
    public static byte[] Wav(Speech speech)
    {
        var data = speech.Samples.Length * 2;
        using var stream = new MemoryStream(44 + data);
        using var w = new BinaryWriter(stream);
        w.Write("RIFF"u8);
        w.Write(36 + data);
        w.Write("WAVEfmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(speech.SampleRate);
        w.Write(speech.SampleRate * 2);
        w.Write((short)2);
        w.Write((short)16);
        w.Write("data"u8);
        w.Write(data);
        foreach (var s in speech.Samples)
            w.Write(s);
        w.Flush();
        return stream.ToArray();
    }

    private const int AudioOutputSynchronous = 2;
    private const int InitializeDontExit = 0x8000;
    private const int ParameterRate = 1;
    private const int PositionCharacter = 1;
    private const int CharsUtf8 = 1;
    private const int EventListTerminated = 0;
    private const int EventWord = 1;

    /// <summary>sizeof(espeak_EVENT) on 64-bit Linux: six ints, a pointer and an 8-byte union.</summary>
    private const int EventSize = 40;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SynthCallback(IntPtr wav, int samples, IntPtr events);

    [DllImport(Library)]
    private static extern int espeak_Initialize(int output, int bufferLength, IntPtr path, int options);

    [DllImport(Library)]
    private static extern void espeak_SetSynthCallback(SynthCallback callback);

    [DllImport(Library, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int espeak_SetVoiceByName([MarshalAs(UnmanagedType.LPStr)] string name);

    [DllImport(Library)]
    private static extern int espeak_SetParameter(int parameter, int value, int relative);

    [DllImport(Library)]
    private static extern int espeak_Synth(
        IntPtr text,
        nuint size,
        uint position,
        int positionType,
        uint endPosition,
        uint flags,
        IntPtr uniqueIdentifier,
        IntPtr userData
    );

    [DllImport(Library)]
    private static extern int espeak_Synchronize();
}
