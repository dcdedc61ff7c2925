using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Storage;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Generation;

/// <summary>One real book, made through the API by the real pipeline, then checked the way a reader and a printer
/// would.</summary>
public sealed class FullBookTests
{
    private AppFactory _app = null!;
    private HttpClient _http = null!;
    private Guid _id;
    private Story _story = null!;

    [OneTimeSetUp]
    public async Task MakeABook()
    {
        _app = new AppFactory(await TestServices.CreateDatabaseAsync("book"));
        _http = _app.CreateClient();
        var response = await _http.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = "Amara",
                ageGroup = "3-5",
                genre = "dinosaurs",
                language = "en",
                moral = "sharing makes everyone happier",
                companions = new[] { new { name = "Rex", kind = "dinosaur" }, new { name = "Pip", kind = "owl" } },
            }
        );
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        _id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        _story = await _app.WaitForStoryAsync(_id, TimeSpan.FromMinutes(3));
        Assert.That(_story.Status, Is.EqualTo(StoryStatus.Complete), _story.FailureReason);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Test]
    public async Task The_story_api_returns_pages_text_and_signed_asset_urls()
    {
        var story = await _http.GetFromJsonAsync<JsonElement>($"/api/stories/{_id}");
        Assert.That(story.GetProperty("status").GetString(), Is.EqualTo("Complete"));
        Assert.That(story.GetProperty("title").GetString(), Does.Contain("Amara"));
        var pages = story.GetProperty("pages").EnumerateArray().ToList();
        Assert.That(pages, Has.Count.EqualTo(10), "ages 3-5 get 10 story pages");
        Assert.That(
            pages.All(p =>
                p.GetProperty("text").GetString()!.Contains("Amara", StringComparison.Ordinal)
                || p.GetProperty("text").GetString()!.Length > 20
            )
        );
        Assert.That(
            string.Join(" ", pages.Select(p => p.GetProperty("text").GetString())),
            Does.Contain("Sharing makes everyone happier.")
        );
        Assert.That(
            string.Join(" ", pages.Select(p => p.GetProperty("text").GetString())),
            Does.Contain("Rex").And.Contain("Pip")
        );

        foreach (
            var url in pages
                .Select(p => p.GetProperty("imageUrl").GetString())
                .Append(story.GetProperty("coverImageUrl").GetString())
        )
        {
            var image = await _http.GetAsync(url);
            Assert.That(image.StatusCode, Is.EqualTo(HttpStatusCode.OK), url);
            Assert.That(image.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/jpeg"));
            var bytes = await image.Content.ReadAsByteArrayAsync();
            Assert.That(bytes.Take(3), Is.EqualTo(new byte[] { 0xFF, 0xD8, 0xFF }), "a JPEG");
        }
        foreach (
            var url in pages
                .Select(p => p.GetProperty("audioUrl").GetString())
                .Append(story.GetProperty("audioUrl").GetString())
        )
        {
            var audio = await _http.GetAsync(url);
            Assert.That(audio.Content.Headers.ContentType?.MediaType, Is.EqualTo("audio/mpeg"));
            var bytes = await audio.Content.ReadAsByteArrayAsync();
            Assert.That(bytes.Length, Is.GreaterThan(2000));
            Assert.That(
                bytes[0] == 0xFF && (bytes[1] & 0xE0) == 0xE0
                    || (bytes[0] == 'I' && bytes[1] == 'D' && bytes[2] == '3'),
                "an MP3 frame or ID3 tag"
            );
        }
        var pdf = await _http.GetAsync(story.GetProperty("pdfUrl").GetString());
        Assert.That(pdf.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/pdf"));

        var status = await _http.GetFromJsonAsync<JsonElement>($"/api/stories/{_id}/status");
        Assert.That(status.GetProperty("percentDone").GetInt32(), Is.EqualTo(100));
    }

    [Test]
    public async Task The_screen_pdf_is_an_even_number_of_at_least_24_square_pages_with_every_font_embedded()
    {
        var store = _app.Services.GetRequiredService<IAssetStore>();
        var facts = await PdfFacts.ReadAsync((await store.GetAsync(_story.PdfUrl!))!);
        Assert.That(facts.Pages, Is.GreaterThanOrEqualTo(24));
        Assert.That(facts.Pages % 2, Is.Zero);
        Assert.That(facts.Pages, Is.EqualTo(_story.PageCount));
        Assert.That((facts.WidthPt, facts.HeightPt), Is.EqualTo((612.0, 612.0)), "8.5 x 8.5 in as a viewer shows it");
        Assert.That(facts.CropBox, Is.EqualTo("9.00 9.00 621.00 621.00"), "the bleed is cropped away on screen");
        Assert.That(facts.Fonts, Is.Not.Empty);
        Assert.That(facts.Fonts.Where(f => !f.Embedded).Select(f => f.Name), Is.Empty, "every font embedded");
        Assert.That(facts.Fonts.Select(f => f.Name), Has.Some.Contains("Andika"));
    }

    [Test]
    public async Task The_print_pdf_has_an_eighth_inch_bleed_and_a_trim_box()
    {
        var store = _app.Services.GetRequiredService<IAssetStore>();
        var facts = await PdfFacts.ReadAsync((await store.GetAsync(_story.PrintPdfKey!))!);
        Assert.That((facts.WidthPt, facts.HeightPt), Is.EqualTo((630.0, 630.0)), "8.5 in + 2 x 0.125 in bleed");
        Assert.That(facts.TrimBox, Is.EqualTo("9.00 9.00 621.00 621.00"));
        Assert.That(facts.BleedBox, Is.EqualTo("0.00 0.00 630.00 630.00"));
        Assert.That(facts.Pages, Is.EqualTo(_story.PageCount));
        Assert.That(facts.Fonts.All(f => f.Embedded));
        Assert.That(
            await PdfFacts.CheckAsync((await store.GetAsync(_story.PrintPdfKey!))!),
            Does.Contain("No syntax or stream encoding errors"),
            "qpdf --check finds the file sound"
        );
    }

    [Test]
    public async Task The_whole_book_audio_is_the_pages_joined_and_plays_as_long_as_they_do()
    {
        var store = _app.Services.GetRequiredService<IAssetStore>();
        var pages = new List<double>();
        foreach (var p in _story.Pages.OrderBy(p => p.Number))
            pages.Add(TestAudio.DecodedSeconds((await store.GetAsync(p.AudioKey!))!));
        var book = TestAudio.DecodedSeconds((await store.GetAsync(_story.AudioFiles[^1]))!);
        Assert.That(pages, Has.All.GreaterThan(0.5));
        // lame adds up to one frame of padding per file at each end (~26 ms at 22 kHz); joining drops the per-file
        // header frame.
        Assert.That(
            book,
            Is.EqualTo(pages.Sum()).Within(0.08 * pages.Count),
            "decoded with lame, the book file is as long as its pages together"
        );
        Assert.That(_story.Pages.All(p => p.AudioSeconds is > 0.5), "each page's length is stored");
        Assert.That(
            _story.Pages.Sum(p => p.AudioSeconds!.Value),
            Is.EqualTo(pages.Sum()).Within(0.08 * pages.Count),
            "our frame count agrees with lame's decoder"
        );
    }

    [Test]
    public async Task Every_provider_call_is_in_the_ledger_once()
    {
        await using var db = _app.Db();
        var rows = await db.Generations.Where(g => g.StoryId == _id).ToListAsync();
        var pages = _story.Pages.Count;
        Assert.That(rows.Count(g => g.Type == GenerationType.Text), Is.EqualTo(1));
        Assert.That(rows.Count(g => g.Type == GenerationType.Image), Is.EqualTo(pages + 1), "cover + one per page");
        Assert.That(
            rows.Count(g => g.Type == GenerationType.Audio),
            Is.EqualTo(pages),
            "one per page; the whole-book file is the pages joined, not narrated again"
        );
        Assert.That(
            rows.Count(g => g.Type == GenerationType.Pdf),
            Is.EqualTo(1),
            "one render makes the screen and the print file"
        );
        Assert.That(
            rows.All(g => g.Error is null && g.Result is not null && g.DurationMs >= 0 && g.Provider.Length > 0)
        );
        Assert.That(
            rows.Where(g => g.Type == GenerationType.Image).Select(g => g.PageNumber),
            Is.EquivalentTo(Enumerable.Range(0, pages + 1).Cast<int?>())
        );
        var image = rows.First(g => g.Type == GenerationType.Image && g.PageNumber == 1);
        Assert.That(
            image.Prompt,
            Does.Contain("Amara:").And.Contain("Rex:"),
            "the characters' fixed descriptions go into every picture prompt"
        );
    }
}
