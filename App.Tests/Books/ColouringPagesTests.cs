using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.Offline;
using StorybookShop.Storage;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Books;

/// <summary>
/// Colouring pages: the scenes as bold outlines on white (measured: mostly white pixels, the characters' outlines
/// there), at the end of the book instead of blank drawing pages with the page count even and at least 24, and a
/// colouring book of every scene; with OpenAI pictures, one line-art request per page from the same brief and looks.
/// </summary>
public sealed class ColouringPagesTests
{
    private static IllustrationRequest Request(IReadOnlyList<string> cast) =>
        new(
            new StoryBrief(
                Guid.Parse("7b1d5c1e-0000-4000-8000-000000000001"),
                "Maya",
                "3-5",
                "ocean",
                "en",
                null,
                [new Companion("Comet", "dog")]
            ),
            3,
            "Maya and Comet find a shell.",
            new Scene("beach", "day", cast, "shell", "happy"),
            [new Character("Maya", "hero", "a girl", "child"), new Character("Comet", "companion", "a dog", "dog")],
            "",
            null
        );

    /// <summary>Share of near-white pixels, and dark (ink) pixels in the middle third where the cast stands.</summary>
    private static (double White, int InkInMiddle) Measure(byte[] jpeg)
    {
        using var bitmap = SKBitmap.Decode(jpeg);
        int white = 0,
            ink = 0;
        for (var y = 0; y < bitmap.Height; y++)
        for (var x = 0; x < bitmap.Width; x++)
        {
            var c = bitmap.GetPixel(x, y);
            if (c.Red > 235 && c.Green > 235 && c.Blue > 235)
                white++;
            else if (c.Red < 90 && c.Green < 90 && c.Blue < 90 && x > bitmap.Width / 3 && x < bitmap.Width * 2 / 3)
                ink++;
        }
        return (white / (double)(bitmap.Width * bitmap.Height), ink);
    }

    [Test]
    public async Task A_colouring_page_is_outlines_on_white_with_the_storys_characters()
    {
        var illustrator = new OfflineIllustrator(Microsoft.Extensions.Options.Options.Create(new GenerationOptions()));
        var picture = (await illustrator.DrawAsync(Request(["Maya", "Comet"]), CancellationToken.None)).Value;
        var line = (await illustrator.DrawLineArtAsync(Request(["Maya", "Comet"]), CancellationToken.None)).Value;
        var empty = (await illustrator.DrawLineArtAsync(Request([]), CancellationToken.None)).Value;

        var (pictureWhite, _) = Measure(picture);
        var (lineWhite, lineInk) = Measure(line);
        var (_, emptyInk) = Measure(empty);
        Assert.That(lineWhite, Is.GreaterThan(0.7), "mostly white: nothing filled");
        Assert.That(pictureWhite, Is.LessThan(0.2), "the picture itself is in colour");
        Assert.That(lineInk, Is.GreaterThan(emptyInk * 1.3 + 500), "the child and the companion are drawn in outline");
    }

    [Test]
    public async Task A_shop_with_colouring_pages_gets_them_at_the_end_of_the_book_and_a_colouring_book()
    {
        await using var h = await ShopifyHarness.StartAsync(
            "colouring",
            new() { ["Pipeline:Roles"] = "web,worker", ["Api:DevEndpoints"] = "false" }
        );
        var (shop, _) = await h.InstalledShopAsync();
        using var api = h.App.CreateClient();
        api.DefaultRequestHeaders.Authorization = new("Bearer", ShopifyKit.SessionToken(shop));
        Assert.That(
            (await api.PutAsJsonAsync("/api/settings", new { colouringPages = true })).StatusCode,
            Is.EqualTo(HttpStatusCode.OK)
        );
        var response = await api.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = "Maya",
                ageGroup = "3-5",
                genre = "ocean",
            }
        );
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var story = await h.App.WaitForStoryAsync(id, TimeSpan.FromMinutes(3));
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);

        var assets = h.App.Services.GetRequiredService<IAssetStore>();
        var book = (await assets.GetAsync(story.PdfUrl!, CancellationToken.None))!;
        var facts = await PdfFacts.ReadAsync(book);
        Assert.That(facts.Pages % 2, Is.Zero);
        Assert.That(facts.Pages, Is.GreaterThanOrEqualTo(24));
        Assert.That(
            facts.Pages,
            Is.EqualTo(StorybookShop.Books.BookLayout.PageCount(story.Pages.Count, colouring: true))
        );
        var text = await PdfFacts.TextAsync(book);
        Assert.That(
            System.Text.RegularExpressions.Regex.Count(text, "Colour your own story!"),
            Is.EqualTo(StorybookShop.Books.BookLayout.DrawingPages(story.Pages.Count, colouring: true))
                .And.GreaterThanOrEqualTo(2)
        );
        Assert.That(text, Does.Not.Contain("Draw your favourite part"));

        // One line-art picture per page, each mostly white; the colouring book has them all.
        foreach (var page in story.Pages)
        {
            var line = await assets.GetAsync(
                AssetKeys.LineArt(story.ShopId, story.Id, page.Number),
                CancellationToken.None
            );
            Assert.That(line, Is.Not.Null, $"page {page.Number}");
            Assert.That(Measure(line!).White, Is.GreaterThan(0.6), $"page {page.Number}");
        }
        Assert.That(story.ColouringPdfKey, Is.Not.Null);
        var colouring = await PdfFacts.ReadAsync(
            (await assets.GetAsync(story.ColouringPdfKey!, CancellationToken.None))!
        );
        Assert.That(colouring.Pages, Is.EqualTo(StorybookShop.Books.ColouringBook.PageCount(story.Pages.Count)));
        Assert.That(colouring.Pages % 2, Is.Zero);
        await using var db = h.App.Db();
        var rows = await db
            .Generations.Where(g =>
                g.StoryId == id && g.Type == GenerationType.Image && g.Prompt.StartsWith("A colouring-book page")
            )
            .CountAsync();
        Assert.That(rows, Is.EqualTo(story.Pages.Count), "one line-art call per page, in the ledger");
    }

    [Test]
    public async Task With_openai_pictures_each_page_gets_a_line_art_request_from_the_same_brief_and_looks()
    {
        await using var openai = await FakeOpenAI.StartAsync();
        openai.Jpeg = TestImages.Jpeg(SKColors.White, 512);
        openai.Content = (_, _) => FakeOpenAI.Story("Ivy", pages: 10, words: 32);
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("colouring-openai"),
            new Dictionary<string, string?>
            {
                ["Generation:TextProvider"] = "openai",
                ["Generation:ImageProvider"] = "openai",
                ["OpenAI:Endpoint"] = openai.Endpoint,
                ["OpenAI:ApiKey"] = "sk-test-key",
                ["OpenAI:TextModel"] = "gpt-test-mini",
                ["OpenAI:Images:Model"] = "gpt-image-test",
            }
        );
        using var http = app.CreateClient();
        Assert.That(
            (await http.PutAsJsonAsync("/api/settings", new { colouringPages = true })).StatusCode,
            Is.EqualTo(HttpStatusCode.OK)
        );
        var response = await http.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = "Ivy",
                ageGroup = "3-5",
                genre = "space",
            }
        );
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var story = await app.WaitForStoryAsync(id, TimeSpan.FromMinutes(3));
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);

        var prompts = openai.ImageCalls.Select(c => c["prompt"]!.GetValue<string>()).ToList();
        var lineArt = prompts.Where(p => p.StartsWith("A colouring-book page", StringComparison.Ordinal)).ToList();
        Assert.That(lineArt, Has.Count.EqualTo(10));
        Assert.That(lineArt, Has.All.Contains("a small white cloud with pink cheeks"), "the characters' fixed looks");
        foreach (var page in story.Pages)
            Assert.That(
                lineArt.Count(p => p.Contains(page.IllustrationPrompt + " ", StringComparison.Ordinal)),
                Is.EqualTo(1),
                $"page {page.Number}'s own scene brief"
            );
        Assert.That(story.ColouringPdfKey, Is.Not.Null);
    }
}
