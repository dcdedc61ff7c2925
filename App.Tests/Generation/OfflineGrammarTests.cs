using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StorybookShop.Books;
using StorybookShop.Catalog;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.Offline;
using StorybookShop.Hosting;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Generation;

/// <summary>
/// The offline writer's grammar in every language, for 0–3 companions of every kind at every age band: names joined
/// as the language joins them, verbs agreeing with how many come along, the narrator's aside after a spoken
/// exclamation in lower case, titles that tell two books apart, and a moral in another language than the book's
/// refused instead of printed as is.
/// </summary>
public sealed class OfflineGrammarTests
{
    private static readonly string[] Names = ["Coco", "Pip", "Isabel"];

    private static IEnumerable<TestCaseData> Matrix() =>
        from language in StoryCatalog.Languages.Keys
        from count in new[] { 0, 1, 2, 3 }
        from kind in StoryCatalog.CompanionKinds.Select(k => k.Id)
        from band in StoryCatalog.AgeBands.Select(b => b.Id)
        select new TestCaseData(language, count, kind, band).SetName($"Grammar({language},{count},{kind},{band})");

    /// <summary>What page 1 says of the companions after the first, exactly.</summary>
    private static string? AlsoCame(string language, int count) =>
        (language, count) switch
        {
            (_, < 2) => null,
            ("es", 2) => "A menudo, Pip también se unía a sus juegos.",
            ("es", 3) => "A menudo, Pip e Isabel también se unían a sus juegos.",
            ("fr", 2) => "Souvent, Pip se joignait aussi à leurs jeux.",
            ("fr", 3) => "Souvent, Pip et Isabel se joignaient aussi à leurs jeux.",
            ("en", 2) => "Often, Pip came along to play too.",
            _ => "Often, Pip and Isabel came along to play too.",
        };

    private static string Starring(string language, int count, string companion) =>
        (language, count) switch
        {
            ("es", 0) => $"Protagonizado por Lucía y {companion}",
            ("es", 1) => "Protagonizado por Lucía y Coco",
            ("es", 2) => "Protagonizado por Lucía, Coco y Pip",
            ("es", _) => "Protagonizado por Lucía, Coco, Pip e Isabel",
            ("fr", 0) => $"Avec Lucía et {companion}",
            ("fr", 1) => "Avec Lucía et Coco",
            ("fr", 2) => "Avec Lucía, Coco et Pip",
            ("fr", _) => "Avec Lucía, Coco, Pip et Isabel",
            (_, 0) => $"Starring Lucía and {companion}",
            (_, 1) => "Starring Lucía and Coco",
            (_, 2) => "Starring Lucía, Coco and Pip",
            _ => "Starring Lucía, Coco, Pip and Isabel",
        };

    [TestCaseSource(nameof(Matrix))]
    public async Task Names_join_and_verbs_agree(string language, int count, string kind, string band)
    {
        var companions = Names.Take(count).Select(n => new Companion(n, kind)).ToList();
        foreach (var arc in OfflineStoryWriter.ArcIds)
        {
            var brief = new StoryBrief(Guid.NewGuid(), "Lucía", band, "ocean", language, null, companions)
            {
                TextModel = arc,
            };
            var plan = OfflineStoryWriter.Write(brief);
            var first = plan.Pages[0].Text;
            if (AlsoCame(language, count) is { } also)
                Assert.That(first, Does.Contain(also), $"{arc}: page 1");
            else
                Assert.That(first, Does.Not.Contain("Pip").And.Not.Contain("Often,").And.Not.Contain("A menudo,"));
            foreach (var page in plan.Pages)
                Assert.That(page.Text, Does.Not.Match(@"[!?] —\p{Lu}"), $"{arc}: the aside after speech is lower");

            var html = await TitlePageAsync(brief, plan);
            var starring = System.Net.WebUtility.HtmlDecode(
                System.Text.RegularExpressions.Regex.Match(html, "class=\"page title\">.*?<p>(.*?)</p>").Groups[1].Value
            );
            var companion = count == 0 ? plan.Characters.Single(c => c.Role == "companion").Name : "";
            Assert.That(starring, Is.EqualTo(Starring(language, count, companion)), arc);
        }
    }

    [Test]
    public void The_narrators_aside_after_a_spoken_question_stays_lower_case_and_new_speech_is_capitalized()
    {
        Assert.That(
            OfflineStoryWriter.Capitalize("—¿has oído eso? —susurró Lucía. —ven aquí —dijo—. vamos."),
            Is.EqualTo("—¿Has oído eso? —susurró Lucía. —Ven aquí —dijo—. Vamos.")
        );
    }

    [Test]
    public void Titles_name_the_child_and_something_of_this_book()
    {
        var titles = new Dictionary<string, string>();
        foreach (var genre in StoryCatalog.Genres)
        foreach (var arc in OfflineStoryWriter.ArcIds)
        foreach (var language in StoryCatalog.Languages.Keys)
        foreach (var child in new[] { "Mia", "Leo" })
        {
            var brief = new StoryBrief(Guid.NewGuid(), child, "5-7", genre, language, null, []) { TextModel = arc };
            var title = OfflineStoryWriter.Write(brief).Title;
            Assert.That(title, Does.StartWith(child));
            Assert.That(title, Does.Not.Contain(" de el ").And.Not.Contain(" de le ").And.Not.Contain(" de les "));
            Assert.That(titles.TryAdd(title, $"{genre}/{arc}/{language}/{child}"), Is.True, $"{title} twice");
        }
        Assert.That(
            titles.Keys,
            Does.Contain("Mia to the Rescue of the Baby Sea Turtle")
                .And.Contain("Leo al rescate del tortuguito marino")
                .And.Contain("Mia à la rescousse du bébé tortue")
        );
    }

    [TestCase("Be kind to your friends", "en")]
    [TestCase("Sé amable con tus amigos", "es")]
    [TestCase("Il faut toujours aider les autres", "fr")]
    [TestCase("Hitting is never okay, share with your sister", "en")]
    [TestCase("Coco", null)]
    public void A_morals_language_is_recognised(string moral, string? language) =>
        Assert.That(LanguageGuess.Of(moral), Is.EqualTo(language));

    private static async Task<string> TitlePageAsync(StoryBrief brief, StoryPlan plan)
    {
        await using var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        var html = new ComponentHtml(
            services.GetRequiredService<IServiceScopeFactory>(),
            services.GetRequiredService<ILoggerFactory>()
        );
        var story = PlannedStory.From(brief, plan);
        var pages = story.Pages.ToList();
        return await BookLayout.HtmlAsync(
            html,
            story,
            pages,
            new BookLayout.Images("cover.jpg", [.. pages.Select(p => $"page-{p.Number}.jpg")]),
            BookFormat.Print
        );
    }
}
