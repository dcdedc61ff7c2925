using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Catalog;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.Offline;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Generation;

/// <summary>
/// Without an OpenAI key the shopper's words are still screened: the offline word lists refuse harm in English,
/// Spanish and French with the same 422 as OpenAI's moderation, and let a children's story's ordinary words through.
/// </summary>
public sealed class WordListModerationTests
{
    private static readonly WordListModeration Moderator = new();

    [TestCase("Hitting your little brother is fun", "violence")]
    [TestCase("Pegar a tu hermanito es divertido", "violence")]
    [TestCase("Frapper ton petit frère, c'est amusant", "violence")]
    [TestCase("Guns make you strong", "violence")]
    [TestCase("Los niños deben matar a los dragones", "violence")]
    [TestCase("Il faut tuer ceux qui te gênent", "violence")]
    [TestCase("Show everyone your naked body", "sexual")]
    [TestCase("Mira vídeos porno", "sexual")]
    [TestCase("Les filles sont des salopes", "sexual")]
    [TestCase("People from other countries are inferior races", "hate")]
    [TestCase("Odio a los niños que son diferentes", "hate")]
    [TestCase("Les racistes ont raison", "hate")]
    [TestCase("When you are sad, hurt yourself", "self-harm")]
    [TestCase("El suicidio es una salida", "self-harm")]
    [TestCase("Si tu es triste, fais-toi du mal : te faire du mal aide", "self-harm")]
    [TestCase("Drinking beer makes you grown up", "illicit")]
    [TestCase("Fumar porros es genial", "illicit")]
    [TestCase("La drogue rend heureux", "illicit")]
    [TestCase("HÍTLER", "hate")]
    public async Task Harm_is_flagged_in_its_category(string text, string category)
    {
        Assert.That(WordListModeration.CategoriesIn(text), Does.Contain(category));
        Assert.That((await Moderator.FlaggedAsync([text], null, default)).Single(), Is.True);
    }

    [TestCase("Be gentle with your little brother")]
    [TestCase("They sang a song and the heroine found her way home")]
    [TestCase("Kick the ball and share your snacks")]
    [TestCase("El vino a casa y la heroína sonrió")]
    [TestCase("¡Qué lástima! Mañana será otro día")]
    [TestCase("Le petit chat a voulu voler comme un oiseau")]
    [TestCase("Dick")]
    [TestCase("Sang-woo")]
    public async Task A_childrens_storys_ordinary_words_pass(string text)
    {
        Assert.That(WordListModeration.CategoriesIn(text), Is.Empty);
        Assert.That((await Moderator.FlaggedAsync([text], null, default)).Single(), Is.False);
    }

    [Test]
    public void The_lists_screen_what_people_write_not_a_whole_written_story()
    {
        // "The little bird had hurt its wing" is kind; a list would refuse it. A model's story is screened by a model.
        Assert.That(WordListModeration.CategoriesIn("The little bird had hurt its wing"), Does.Contain("violence"));
        Assert.That(((IContentModerator)Moderator).ScreensStories, Is.False);
        Assert.That(((IContentModerator)new NoModeration()).ScreensStories, Is.True, "the interface's default");
    }

    [Test]
    public async Task Every_offline_story_and_its_own_moral_pass_the_lists()
    {
        // The written story is screened too (TextStage): the offline writer's own text must never be refused.
        var flagged = new List<string>();
        foreach (var genre in StoryCatalog.Genres)
        foreach (var arc in OfflineStoryWriter.ArcIds)
        foreach (var language in StoryCatalog.Languages.Keys)
        {
            var brief = new StoryBrief(
                Guid.NewGuid(),
                "Lucía",
                "7-9",
                genre,
                language,
                null,
                [new Companion("Coco", "cat"), new Companion("Pip", "owl")]
            )
            {
                TextModel = arc,
            };
            var plan = OfflineStoryWriter.Write(brief);
            var texts = plan.Pages.Select(p => p.Text).Prepend(plan.Title).ToList();
            var flags = await Moderator.FlaggedAsync(texts, null, default);
            flagged.AddRange(
                texts
                    .Zip(flags)
                    .Where(x => x.Second)
                    .Select(x =>
                    {
                        var categories = string.Join(",", WordListModeration.CategoriesIn(x.First));
                        return $"{genre}/{arc}/{language}: {categories} in «{x.First}»";
                    })
            );
        }
        Assert.That(flagged, Is.Empty);
    }
}

/// <summary>The default server (no keys) screens with the word lists: a harmful moral is a 422 naming it, nothing is
/// stored, and Settings say which moderator is active.</summary>
public sealed class OfflineModerationApiTests
{
    private AppFactory _app = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _app = new AppFactory(
            await TestServices.CreateDatabaseAsync("offline_moderation"),
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web" }
        );
        _http = _app.CreateClient();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Test]
    public async Task A_harmful_moral_is_refused_with_422_and_nothing_is_stored()
    {
        var response = await _http.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = "Mia",
                ageGroup = "5-7",
                genre = "space",
                moral = "Hitting your little brother is fun",
                companions = new[] { new { name = "Coco", kind = "cat" } },
            }
        );
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = problem.RootElement.GetProperty("errors");
        Assert.That(errors.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "moral" }));
        Assert.That(errors.GetProperty("moral")[0].GetString(), Does.Contain("Be gentle"));
        await using var db = _app.Db();
        Assert.That(await db.Stories.CountAsync(s => s.ChildName == "Mia"), Is.Zero);
    }

    [Test]
    public async Task Settings_say_the_word_lists_are_the_active_moderator()
    {
        var settings = await _http.GetFromJsonAsync<JsonElement>("/api/settings");
        Assert.That(
            settings.GetProperty("options").GetProperty("defaults").GetProperty("moderation").GetString(),
            Is.EqualTo("offline")
        );
    }
}
