namespace StorybookShop.Generation.Audio;

/// <summary>
/// Just enough of MPEG audio layer III to measure a file and join files: walks the frame headers, skips
/// ID3v2 tags and each part's Xing/Info/VBRI header frame (which describes that part only), and writes one Xing
/// header for the joined file.
/// </summary>
public static class Mp3
{
    private static readonly int[] Mpeg1Bitrates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    private static readonly int[] Mpeg2Bitrates = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    private static readonly int[][] SampleRates =
    [
        [11025, 12000, 8000],
        [],
        [22050, 24000, 16000],
        [44100, 48000, 32000],
    ];

    private readonly record struct Frame(int Offset, int Length, int Samples, int SampleRate, bool IsInfo);

    /// <summary>Playing time in seconds: samples over sample rate, frame by frame.</summary>
    public static double Seconds(ReadOnlySpan<byte> mp3)
    {
        double seconds = 0;
        foreach (var f in Frames(mp3))
            if (!f.IsInfo)
                seconds += f.Samples / (double)f.SampleRate;
        return seconds;
    }

    /// <summary>One MP3 of the parts played one after another (same encoder settings expected), led by a Xing
    /// header frame for the whole: its frame count, byte count and seek table, so that players show the joined
    /// file's true length and seek in it (without one they guess from the first frame's bitrate).</summary>
    public static byte[] Concat(IEnumerable<byte[]> parts)
    {
        using var audio = new MemoryStream();
        var frames = new List<(int Offset, Frame Frame)>();
        byte[]? firstHeader = null;
        foreach (var part in parts)
        foreach (var f in Frames(part))
            if (!f.IsInfo)
            {
                firstHeader ??= part[f.Offset..(f.Offset + 4)];
                frames.Add(((int)audio.Position, f));
                audio.Write(part, f.Offset, f.Length);
            }
        if (firstHeader is null)
            return [];
        var xing = XingFrame(firstHeader, frames, (int)audio.Length);
        return [.. xing, .. audio.ToArray()];
    }

    /// <summary>A frame shaped like the first audio frame (version, sample rate, channels) at the lowest bitrate
    /// that holds the tag: "Xing", flags (frames, bytes, seek table), the counts, and 100 seek points — byte
    /// positions at each percent of the playing time, as parts of 256.</summary>
    private static byte[] XingFrame(byte[] header, List<(int Offset, Frame Frame)> frames, int audioBytes)
    {
        var h = (byte[])header.Clone();
        h[1] |= 1; // no CRC
        var mpeg1 = ((h[1] >> 3) & 3) == 3;
        var mono = (h[3] >> 6) == 3;
        var sideInfo = mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17);
        const int tagBytes = 4 + 4 + 4 + 4 + 100;
        byte[] frame = [];
        for (var index = 1; index < 15; index++)
        {
            h[2] = (byte)((index << 4) | (h[2] & 0x0C)); // bitrate, same sample rate, no padding
            if (TryHeader(h, out var length, out _, out _, out _) && length >= 4 + sideInfo + tagBytes)
            {
                frame = new byte[length];
                break;
            }
        }
        h.CopyTo(frame, 0);
        var at = 4 + sideInfo;
        "Xing"u8.CopyTo(frame.AsSpan(at));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(at + 4), 0x7);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(at + 8), frames.Count);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(at + 12), frame.Length + audioBytes);
        var total = frames.Sum(f => f.Frame.Samples / (double)f.Frame.SampleRate);
        var (elapsed, next) = (0.0, 0);
        for (var i = 0; i < 100; i++)
        {
            while (next < frames.Count - 1 && elapsed < total * i / 100)
            {
                elapsed += frames[next].Frame.Samples / (double)frames[next].Frame.SampleRate;
                next++;
            }
            var position = frame.Length + frames[next].Offset;
            frame[at + 16 + i] = (byte)Math.Min(255, position * 256L / (frame.Length + audioBytes));
        }
        return frame;
    }

    private static List<Frame> Frames(ReadOnlySpan<byte> data)
    {
        var frames = new List<Frame>();
        var pos = SkipId3(data);
        var first = true;
        while (pos + 4 <= data.Length)
        {
            if (
                !TryHeader(data[pos..], out var length, out var samples, out var rate, out var sideInfo)
                || pos + length > data.Length
            )
            {
                // Tolerate junk before the first frame; stop at anything else (ID3v1 tag, truncation).
                if (frames.Count == 0 && pos < data.Length - 4)
                {
                    pos++;
                    continue;
                }
                break;
            }
            var isInfo = false;
            if (first)
            {
                var tag = pos + 4 + sideInfo;
                isInfo = Tag(data, tag, "Xing") || Tag(data, tag, "Info") || Tag(data, pos + 36, "VBRI");
                first = false;
            }
            frames.Add(new Frame(pos, length, samples, rate, isInfo));
            pos += length;
        }
        return frames;
    }

    private static bool Tag(ReadOnlySpan<byte> data, int at, string tag) =>
        at + 4 <= data.Length
        && data[at] == tag[0]
        && data[at + 1] == tag[1]
        && data[at + 2] == tag[2]
        && data[at + 3] == tag[3];

    private static int SkipId3(ReadOnlySpan<byte> data)
    {
        var pos = 0;
        while (data.Length - pos >= 10 && data[pos] == 'I' && data[pos + 1] == 'D' && data[pos + 2] == '3')
        {
            var size =
                (data[pos + 6] & 0x7F) << 21
                | (data[pos + 7] & 0x7F) << 14
                | (data[pos + 8] & 0x7F) << 7
                | (data[pos + 9] & 0x7F);
            pos += 10 + size + ((data[pos + 5] & 0x10) != 0 ? 10 : 0);
        }
        return pos;
    }

    private static bool TryHeader(
        ReadOnlySpan<byte> h,
        out int length,
        out int samples,
        out int sampleRate,
        out int sideInfo
    )
    {
        length = samples = sampleRate = sideInfo = 0;
        if (h[0] != 0xFF || (h[1] & 0xE0) != 0xE0)
            return false;
        var version = (h[1] >> 3) & 3; // 0 = 2.5, 2 = 2, 3 = 1
        var layer = (h[1] >> 1) & 3; // 1 = layer III
        if (version == 1 || layer != 1)
            return false;
        var bitrateIndex = h[2] >> 4;
        var rateIndex = (h[2] >> 2) & 3;
        if (bitrateIndex is 0 or 15 || rateIndex == 3)
            return false;
        var mpeg1 = version == 3;
        var bitrate = (mpeg1 ? Mpeg1Bitrates : Mpeg2Bitrates)[bitrateIndex] * 1000;
        sampleRate = SampleRates[version][rateIndex];
        var padding = (h[2] >> 1) & 1;
        length = (mpeg1 ? 144 : 72) * bitrate / sampleRate + padding;
        samples = mpeg1 ? 1152 : 576;
        var mono = (h[3] >> 6) == 3;
        sideInfo = (mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17)) + ((h[1] & 1) == 0 ? 2 : 0);
        return length > 4;
    }
}
