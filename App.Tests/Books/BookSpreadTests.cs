using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;
using StorybookShop.Data;
using StorybookShop.Storage;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Books;

/// <summary>
/// A book in each language, made end to end on the offline defaults, read as a parent reads it: the title page
/// names the child and both companions as the language joins them, page 1 says who came along with the verb agreeing,
/// and a spread of each (picture and words) is kept in the test output to look at.
/// </summary>
public sealed class BookSpreadTests
{
    private AppFactory _app = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _app = new AppFactory(await TestServices.CreateDatabaseAsync("spreads"), AppFactory.FastPipeline());
        _http = _app.CreateClient();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [TestCase("en", "Starring Lucía, Coco and Pip", "Often, Pip came along to play too.")]
    [TestCase("es", "Protagonizado por Lucía, Coco y Pip", "A menudo, Pip también se unía a sus juegos.")]
    [TestCase("fr", "Avec Lucía, Coco et Pip", "Souvent, Pip se joignait aussi à leurs jeux.")]
    public async Task A_book_reads_right_in_its_language(string language, string starring, string alsoCame)
    {
        var response = await _http.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = "Lucía",
                ageGroup = "7-9",
                genre = "ocean",
                language,
                companions = new[] { new { name = "Coco", kind = "cat" }, new { name = "Pip", kind = "owl" } },
            }
        );
        Assert.That(
            response.StatusCode,
            Is.EqualTo(HttpStatusCode.Accepted),
            await response.Content.ReadAsStringAsync()
        );
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var story = await _app.WaitForStoryAsync(id, TimeSpan.FromMinutes(3));
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);

        var pdf = (await _app.Services.GetRequiredService<IAssetStore>().GetAsync(story.PdfUrl!))!;
        string Flat(string text) =>
            string.Join(' ', text.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.That(Flat(await PdfFacts.PageTextAsync(pdf, 2)), Does.Contain(starring), "the title page");
        Assert.That(Flat(await PdfFacts.PageTextAsync(pdf, 5)), Does.Contain(alsoCame), "page 1 of the story");

        // Picture left, words right: the first spread, kept for a person to look at.
        using var picture = await PdfFacts.PageImageAsync(pdf, 4);
        using var words = await PdfFacts.PageImageAsync(pdf, 5);
        Pictures.ContactSheet($"spreads/{language}", [(picture, words)]);
        using var blank = new SKBitmap(picture.Width, picture.Height);
        blank.Erase(SKColors.White);
        Assert.That(Pictures.MeanDifference(picture, blank), Is.GreaterThan(30), "the picture page has a picture");
    }
}
