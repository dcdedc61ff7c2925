using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using StorybookShop.Data;
using StorybookShop.Rendering;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Generation;

public sealed class OpenAiIllustratorTests
{
    private FakeOpenAI _openai = null!;
    private AppFactory _app = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _openai = await FakeOpenAI.StartAsync();
        // A real JPEG for the fake to answer with.
        _openai.Jpeg = TestImages.Jpeg(new SkiaSharp.SKColor(0xf4, 0xa2, 0x61));
        _app = new AppFactory(
            await TestServices.CreateDatabaseAsync("images"),
            new Dictionary<string, string?>
            {
                ["Generation:ImageProvider"] = "openai",
                ["OpenAI:Endpoint"] = _openai.Endpoint,
                ["OpenAI:ApiKey"] = "sk-test-key",
                ["OpenAI:Images:Model"] = "gpt-image-test",
                ["OpenAI:Images:Size"] = "1024x1024",
                ["OpenAI:Images:Quality"] = "medium",
                ["OpenAI:Images:Prices:medium-1024x1024"] = "0.042",
            }
        );
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _app.DisposeAsync();
        await _openai.DisposeAsync();
    }

    [Test]
    public async Task Every_picture_is_asked_of_openai_as_jpeg_with_the_characters_fixed_looks_and_priced()
    {
        using var http = _app.CreateClient();
        var response = await http.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = "Amara",
                ageGroup = "0-3",
                genre = "dinosaurs",
                companions = new[] { new { name = "Rex", kind = "dinosaur" } },
            }
        );
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var story = await _app.WaitForStoryAsync(id, TimeSpan.FromMinutes(2));

        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);
        var calls = _openai
            .ImageCalls.Where(c => c["prompt"]!.GetValue<string>().Contains("Amara", StringComparison.Ordinal))
            .ToList();
        Assert.That(calls, Has.Count.EqualTo(story.Pages.Count + 1), "cover + one per page");
        foreach (var call in calls)
        {
            Assert.That(
                (
                    call["model"]!.GetValue<string>(),
                    call["size"]!.GetValue<string>(),
                    call["quality"]!.GetValue<string>(),
                    call["output_format"]!.GetValue<string>()
                ),
                Is.EqualTo(("gpt-image-test", "1024x1024", "medium", "jpeg"))
            );
            var prompt = call["prompt"]!.GetValue<string>();
            Assert.That(
                prompt,
                Does.Contain("Amara: " + story.Characters.Single(c => c.Name == "Amara").VisualDescription)
            );
            Assert.That(
                prompt,
                Does.Contain("Rex: " + story.Characters.Single(c => c.Name == "Rex").VisualDescription)
            );
        }
        await using var db = _app.Db();
        var images = await db.Generations.Where(g => g.StoryId == id && g.Type == GenerationType.Image).ToListAsync();
        Assert.That(
            images.Select(g => (g.Provider, g.Model, g.Cost)).Distinct(),
            Is.EqualTo(new[] { ("openai", "gpt-image-test", 0.042m) })
        );
        var stored = await db.StoryPages.Where(p => p.StoryId == id).Select(p => p.ImageKey).ToListAsync();
        var file = File.ReadAllBytes(Path.Combine(_app.AssetRoot, stored[0]!));
        Assert.That(file, Is.EqualTo(_openai.Jpeg), "the JPEG is stored as OpenAI sent it");
    }

    [Test]
    public async Task A_shop_can_hold_its_pictures_to_fewer_at_once_than_the_story_would_draw()
    {
        using var http = _app.CreateClient();
        async Task<int> MaxInFlightForOneBook(string child)
        {
            _openai.ImagesMaxInFlight = 0;
            var response = await http.PostAsJsonAsync(
                "/api/stories",
                new
                {
                    childName = child,
                    ageGroup = "0-3",
                    genre = "ocean",
                }
            );
            var story = await _app.WaitForStoryAsync(
                (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(),
                TimeSpan.FromMinutes(2)
            );
            Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);
            return _openai.ImagesMaxInFlight;
        }
        _openai.ImageDelay = TimeSpan.FromMilliseconds(200);
        try
        {
            Assert.That(
                await MaxInFlightForOneBook("Bea"),
                Is.EqualTo(2),
                "without a shop limit the story draws two at once (Generation:IllustrationConcurrency)"
            );
            var saved = await http.PutAsJsonAsync("/api/settings", new { imageConcurrency = 1 });
            Assert.That(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
            Assert.That(await MaxInFlightForOneBook("Cai"), Is.EqualTo(1), "the shop's own limit");
        }
        finally
        {
            _openai.ImageDelay = TimeSpan.Zero;
            await http.PutAsJsonAsync("/api/settings", new { });
        }
    }
}
