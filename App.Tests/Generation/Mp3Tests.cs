using System.Buffers.Binary;
using StorybookShop.Generation.Audio;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Generation;

/// <summary>The whole-book MP3 (the pages joined) carries its own Xing header — frame count, byte count, seek
/// table — read here with a parser of our own, so that players show its true length instead of guessing.</summary>
public sealed class Mp3Tests
{
    [Test]
    public void The_joined_book_has_a_Xing_header_with_its_own_length()
    {
        byte[][] pages = [TestAudio.SilentMp3(1.5), TestAudio.SilentMp3(2.0), TestAudio.SilentMp3(0.75)];
        var book = Mp3.Concat(pages);

        // lame writes 22.05 kHz mono as MPEG-2 layer III: 576 samples a frame, 9 bytes of side information.
        Assert.That(book[0], Is.EqualTo(0xFF));
        Assert.That(System.Text.Encoding.ASCII.GetString(book, 4 + 9, 4), Is.EqualTo("Xing"));
        var flags = BinaryPrimitives.ReadInt32BigEndian(book.AsSpan(4 + 9 + 4));
        Assert.That(flags & 0x7, Is.EqualTo(0x7), "frames, bytes and a seek table");
        var frames = BinaryPrimitives.ReadInt32BigEndian(book.AsSpan(4 + 9 + 8));
        var bytes = BinaryPrimitives.ReadInt32BigEndian(book.AsSpan(4 + 9 + 12));
        Assert.That(bytes, Is.EqualTo(book.Length));
        var xingSeconds = frames * 576 / 22050.0;
        Assert.That(xingSeconds, Is.EqualTo(Mp3.Seconds(book)).Within(0.001), "what the header says is what plays");
        Assert.That(
            xingSeconds,
            Is.EqualTo(pages.Sum(p => Mp3.Seconds(p))).Within(0.001),
            "the pages' time, no more (each page's own header left out)"
        );
        Assert.That(
            TestAudio.DecodedSeconds(book),
            Is.EqualTo(xingSeconds).Within(0.1),
            "lame decodes the joined file"
        );
        var toc = book.AsSpan(4 + 9 + 16, 100).ToArray();
        Assert.That(toc, Is.Ordered, "the seek table only moves forward");
        Assert.That(toc[0], Is.LessThan(toc[99]));
    }
}
