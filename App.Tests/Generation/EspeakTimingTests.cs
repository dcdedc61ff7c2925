using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.Offline;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Generation;

/// <summary>
/// The offline narrator's word timings come from libespeak-ng's own word events: one per word of the page, in order,
/// each starting inside the decoded audio, and where the speech really is (not spread evenly over the text).
/// </summary>
public sealed partial class EspeakTimingTests
{
    private static EspeakNarrator Narrator() => new(Options.Create(new GenerationOptions()));

    private static NarrationRequest Request(string text, string language) =>
        new(new StoryBrief(Guid.NewGuid(), "Maya", "3-5", "ocean", language, null, []), text, []);

    [TestCase("en", "Maya found a shiny shell on the beach. \"Look!\" she laughed — and Comet barked twice.")]
    [TestCase("es", "Lucía encontró una concha brillante en la playa. ¡Mira! Y el perrito ladró dos veces.")]
    [TestCase("fr", "Léa a trouvé un coquillage brillant sur la plage. « Regarde ! » dit-elle en riant.")]
    public async Task Every_word_of_the_page_gets_a_start_inside_the_audio_in_order(string language, string text)
    {
        var narration = (await Narrator().NarrateAsync(Request(text, language), CancellationToken.None)).Value;
        var words = narration.Words!;
        Assert.That(narration.Words, Is.Not.Null, "libespeak-ng gives timings");
        Assert.That(
            words.Select(w => w.Word),
            Is.EqualTo(Token().Matches(text).Select(m => m.Value)),
            "one timing per word of the page, same order, same count"
        );
        var decoded = TestAudio.DecodedSeconds(narration.Mp3);
        Assert.That(words.Select(w => w.Start), Is.Ordered);
        Assert.That(
            words.Where(w => !(w.Start >= 0 && w.Start < decoded && w.End >= w.Start)),
            Is.Empty,
            $"every word starts inside the decoded audio ({decoded:0.00} s)"
        );
        Assert.That(
            words.Select(w => w.Start).Distinct().Count(),
            Is.GreaterThan(words.Count * 3 / 4),
            "the words start at their own times: " + string.Join(" ", words.Select(w => $"{w.Word}@{w.Start}"))
        );
    }

    [Test]
    public async Task The_timings_follow_the_speech_not_the_length_of_the_text()
    {
        // A long word takes longer to say than a short one: an estimate from character counts would also say so,
        // but a pause does not show in the text — a full stop makes espeak pause before the next sentence.
        var text = "Go. Go. Go. Go. Go. Go. Go. Go. Go. Go. Go. Go. Extraordinarily wonderful.";
        var narration = (await Narrator().NarrateAsync(Request(text, "en"), CancellationToken.None)).Value;
        var words = narration.Words!;
        var last = words[^2];
        // By characters "Extraordinarily" starts at 48/75 of the text; the twelve pauses push it later in the audio.
        var byCharacters = text.IndexOf("Extraordinarily", StringComparison.Ordinal) / (double)text.Length;
        Assert.That(last.Start / narration.Seconds, Is.GreaterThan(byCharacters + 0.05));
        var gaps = words.Take(12).Zip(words.Skip(1)).Select(p => p.Second.Start - p.First.Start).ToList();
        Assert.That(gaps.Max() - gaps.Min(), Is.LessThan(0.25), "twelve identical short sentences, evenly timed");
    }

    [GeneratedRegex(@"\S+")]
    private static partial Regex Token();
}
