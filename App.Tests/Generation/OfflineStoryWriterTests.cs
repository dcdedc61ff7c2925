using StorybookShop.Catalog;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.Offline;
using StorybookShop.Stories;

namespace StorybookShop.Tests.Generation;

public sealed class OfflineStoryWriterTests
{
    private static IEnumerable<TestCaseData> Everything() =>
        from genre in StoryCatalog.Genres
        from band in StoryCatalog.AgeBands
        from language in StoryCatalog.Languages.Keys
        select new TestCaseData(genre, band.Id, language);

    [TestCaseSource(nameof(Everything))]
    public void Every_theme_band_and_language_gives_a_complete_story_with_no_template_left_over(
        string genre,
        string ageGroup,
        string language
    )
    {
        foreach (var seed in Enumerable.Range(0, 3)) // three ids reach all three arcs
        {
            var brief = new StoryBrief(
                Id(seed),
                "Ana-Lucía",
                ageGroup,
                genre,
                language,
                null,
                [new Companion("Miso", "cat")]
            );
            var plan = OfflineStoryWriter.Write(brief);
            var band = StoryCatalog.Band(ageGroup);

            Assert.That(plan.Pages, Has.Count.EqualTo(band.Pages));
            var all = string.Join(" ", plan.Pages.Select(p => p.Text)) + plan.Title + plan.Description;
            Assert.That(all, Does.Not.Contain("{").And.Not.Contain("}"), "no unfilled slot");
            Assert.That(plan.Title, Does.Contain("Ana-Lucía"));
            Assert.That(all, Does.Contain("Miso"));
            Assert.That(all, Does.Contain(plan.Moral), "the moral is woven into the story");
            Assert.That(
                plan.Pages.All(p => char.IsUpper(p.Text.TrimStart('"', '«', '—', '¡', '¿', ' ')[0])),
                "sentences start with a capital"
            );
            Assert.That(
                plan.Pages.All(p =>
                    p.IllustrationPrompt.Length > 40 && !p.IllustrationPrompt.Contains('{', StringComparison.Ordinal)
                )
            );
        }
    }

    [TestCase("0-3", 6, 25)]
    [TestCase("3-5", 18, 50)]
    [TestCase("5-7", 35, 75)]
    [TestCase("7-9", 45, 130)]
    public void Words_per_page_follow_the_age_band(string ageGroup, int min, int max)
    {
        foreach (var language in StoryCatalog.Languages.Keys)
        foreach (var seed in Enumerable.Range(0, 3))
        {
            var plan = OfflineStoryWriter.Write(new StoryBrief(Id(seed), "Sam", ageGroup, "space", language, null, []));
            var average = plan.Pages.Average(p => ReadingLevel.Words(p.Text));
            Assert.That(average, Is.InRange(min, max), $"{language} arc {seed}");
        }
    }

    [Test]
    public void English_reading_level_stays_picture_book_simple_in_every_band()
    {
        var grades = StoryCatalog
            .AgeBands.Select(band =>
                Enumerable
                    .Range(0, 3)
                    .Average(seed =>
                        ReadingLevel.FleschKincaidGrade(
                            string.Join(
                                " ",
                                OfflineStoryWriter
                                    .Write(new StoryBrief(Id(seed), "Sam", band.Id, "adventure", "en", null, []))
                                    .Pages.Select(p => p.Text)
                            )
                        )
                    )
            )
            .ToList();
        TestContext.Out.WriteLine(
            "Flesch-Kincaid by band: "
                + string.Join(", ", grades.Select((g, i) => $"{StoryCatalog.AgeBands[i].Id} {g:0.0}"))
        );
        // Picture-book prose stays below grade 6 whatever the band (FK overrates very short texts).
        Assert.That(grades, Has.All.LessThan(6.0));
    }

    [Test]
    public void A_shoppers_moral_is_cleaned_into_one_sentence_and_told_in_the_story()
    {
        var plan = OfflineStoryWriter.Write(
            new StoryBrief(Id(1), "Kai", "5-7", "ocean", "en", "  always   tell the truth ", [])
        );
        Assert.That(plan.Moral, Is.EqualTo("Always tell the truth."));
        Assert.That(
            plan.Pages.Count(p => p.Text.Contains("Always tell the truth.", StringComparison.Ordinal)),
            Is.EqualTo(1)
        );
    }

    [Test]
    public void Each_character_has_one_fixed_look_whatever_page_or_book()
    {
        var a = OfflineStoryWriter.Write(new StoryBrief(Id(0), "Nia", "3-5", "space", "en", null, []));
        var b = OfflineStoryWriter.Write(new StoryBrief(Id(7), "Nia", "7-9", "ocean", "fr", null, []));
        Assert.That(a.Characters[0].VisualDescription, Is.EqualTo(b.Characters[0].VisualDescription));
        Assert.That(ChildLook.For("Nia").Description, Is.Not.EqualTo(ChildLook.For("Omar").Description));
    }

    [Test]
    public void Different_books_get_different_arcs()
    {
        var titles = Enumerable
            .Range(0, 3)
            .Select(seed =>
                OfflineStoryWriter.Write(new StoryBrief(Id(seed), "Sam", "3-5", "space", "en", null, [])).Title
            )
            .ToHashSet();
        Assert.That(titles, Has.Count.EqualTo(3));
    }

    [Test]
    public void Flesch_Kincaid_matches_a_worked_example()
    {
        // 2 sentences, 11 words, 13 syllables (hap-py, kit-ten): 0.39*5.5 + 11.8*13/11 - 15.59 = 0.50
        Assert.That(
            ReadingLevel.FleschKincaidGrade("The cat sat on the mat. It was a happy kitten."),
            Is.EqualTo(0.50).Within(0.01)
        );
        // 1 sentence, 4 words, 8 syllables (beau-ti-ful, but-ter-flies): 0.39*4 + 11.8*2 - 15.59 = 9.57
        Assert.That(ReadingLevel.FleschKincaidGrade("Beautiful butterflies fly high."), Is.EqualTo(9.57).Within(0.01));
    }

    /// <summary>An id whose arc index (first 4 bytes mod 9973, mod 3) is <paramref name="seed"/> mod 3.</summary>
    private static Guid Id(int seed)
    {
        var bytes = new byte[16];
        BitConverter.GetBytes(seed + 3 * 1000).CopyTo(bytes, 0);
        bytes[15] = (byte)seed;
        return new Guid(bytes);
    }
}
