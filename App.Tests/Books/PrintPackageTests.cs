using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StorybookShop.Books;
using StorybookShop.Catalog;
using StorybookShop.Data;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Books;

/// <summary>
/// The print package, measured with poppler: the cover wrap's size to 1/1000 in for three page counts on every paper,
/// spine text only on thick books, a clear barcode area; a finished offline book's package at print resolution passing
/// every check; a screen-resolution book flagged for its pictures; text outside the safe zone caught.
/// </summary>
public sealed partial class PrintPackageTests
{
    private ShopifyHarness _h = null!;
    private HttpClient _api = null!;
    private string _shop = "";

    [OneTimeSetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync(
            "print",
            new() { ["Pipeline:Roles"] = "web,worker", ["Api:DevEndpoints"] = "false" }
        );
        (_shop, _) = await _h.InstalledShopAsync();
        _api = _h.App.CreateClient();
        _api.DefaultRequestHeaders.Authorization = new("Bearer", ShopifyKit.SessionToken(_shop));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _api.Dispose();
        await _h.DisposeAsync();
    }

    private async Task<Story> BookAsync(object settings, string child)
    {
        var saved = await _api.PutAsJsonAsync("/api/settings", settings);
        Assert.That(saved.StatusCode, Is.EqualTo(HttpStatusCode.OK), await saved.Content.ReadAsStringAsync());
        var response = await _api.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = child,
                ageGroup = "3-5",
                genre = "space",
            }
        );
        Assert.That(
            response.StatusCode,
            Is.EqualTo(HttpStatusCode.Accepted),
            await response.Content.ReadAsStringAsync()
        );
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var story = await _h.App.WaitForStoryAsync(id, TimeSpan.FromMinutes(3));
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);
        return story;
    }

    private static Dictionary<string, JsonElement> Checks(JsonElement report) =>
        report.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);

    [Test]
    public async Task A_book_at_print_resolution_gets_a_package_that_passes_every_check()
    {
        var story = await BookAsync(new { paper = "cream", printResolution = true }, "Ada");
        var made = await _api.PostAsync($"/api/stories/{story.Id}/print", null);
        var view = await made.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(made.StatusCode, Is.EqualTo(HttpStatusCode.OK), view.ToString());
        var report = view.GetProperty("report");
        var checks = Checks(report);
        Assert.That(
            checks.Values.Where(c => !c.GetProperty("passed").GetBoolean()).Select(c => c.ToString()),
            Is.Empty
        );
        Assert.That(
            checks.Keys,
            Is.SupersetOf(
                new[]
                {
                    "pages",
                    "parity",
                    "trim",
                    "bleed",
                    "safe-zone",
                    "fonts",
                    "pictures",
                    "cover-size",
                    "spine",
                    "barcode",
                    "cover-fonts",
                }
            )
        );
        var pages = report.GetProperty("pages").GetInt32();
        Assert.That(report.GetProperty("spine").GetDouble(), Is.EqualTo(Math.Round(pages * 0.0025, 4)), "cream paper");

        // The zip holds the interior, the cover and the report; the cover is the size the rules give, measured by
        // poppler.
        var zipUrl = view.GetProperty("packageUrl").GetString()!;
        var zipBytes = await _api.GetByteArrayAsync(zipUrl);
        using var zip = new ZipArchive(new MemoryStream(zipBytes));
        Assert.That(
            zip.Entries.Select(e => e.FullName),
            Is.EquivalentTo(new[] { "interior.pdf", "cover.pdf", "preflight.json" })
        );
        await using var coverStream = await zip.GetEntry("cover.pdf")!.OpenAsync();
        using var coverBytes = new MemoryStream();
        await coverStream.CopyToAsync(coverBytes);
        var cover = await PdfFacts.ReadAsync(coverBytes.ToArray());
        Assert.That(cover.WidthPt / 72, Is.EqualTo(2 * 8.5 + pages * 0.0025 + 0.25).Within(0.001));
        Assert.That(cover.HeightPt / 72, Is.EqualTo(8.5 + 0.25).Within(0.001));
        var pictures = await Images(zipBytes, "interior.pdf");
        Assert.That(pictures.Min(), Is.GreaterThanOrEqualTo(300), "pdfimages -list: every picture at 300 DPI or more");

        // The story page shows the preflight table and offers the zip.
        var page = await _api.GetStringAsync(ShopifyKit.AdminUrl($"/stories/{story.Id}", _shop));
        Assert.That(
            page,
            Does.Contain("id=\"preflight\"").And.Contain("data-check=\"cover-size\"").And.Contain("Ready for print")
        );
        var again = await _api.GetFromJsonAsync<JsonElement>($"/api/stories/{story.Id}/print");
        Assert.That(again.GetProperty("report").GetProperty("passed").GetBoolean(), Is.True);
    }

    [Test]
    public async Task A_default_book_is_print_ready_its_offline_pictures_drawn_again_at_300_dpi()
    {
        var story = await BookAsync(new { }, "Bo");
        var store = _h.App.Services.GetRequiredService<StorybookShop.Storage.IAssetStore>();
        var screenSize = (await store.GetAsync(story.PrintPdfKey!))!;
        var before = await ImagesOf(screenSize);
        Assert.That(before.Min(), Is.LessThan(300), "the book's pictures are drawn at screen size");

        var made = await _api.PostAsync($"/api/stories/{story.Id}/print", null);
        var view = await made.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(made.StatusCode, Is.EqualTo(HttpStatusCode.OK), view.ToString());
        var report = view.GetProperty("report");
        Assert.That(
            Checks(report).Values.Where(c => !c.GetProperty("passed").GetBoolean()).Select(c => c.ToString()),
            Is.Empty
        );
        var printSize = (await store.GetAsync(story.PrintPdfKey!))!;
        var after = await ImagesOf(printSize);
        Assert.That(after, Has.Count.EqualTo(before.Count), "every picture of the interior");
        Assert.That(after.Min(), Is.GreaterThanOrEqualTo(300), "the print PDF itself now holds 300 DPI pictures");

        // The same scenes, only sharper: a spread of both, as a person sees them, differs by little.
        using var was = await PdfFacts.PageImageAsync(screenSize, 4);
        using var now = await PdfFacts.PageImageAsync(printSize, 4);
        Pictures.ContactSheet("print/redrawn-page-4", [(was, now)]);
        Assert.That(Pictures.MeanDifference(was, now), Is.LessThan(8), "page 4 before and after");
        using var blank = new SkiaSharp.SKBitmap(now.Width, now.Height);
        blank.Erase(SkiaSharp.SKColors.White);
        Assert.That(Pictures.MeanDifference(now, blank), Is.GreaterThan(30), "a picture, not a blank page");
    }

    [Test]
    public async Task Pictures_from_an_image_model_are_flagged_with_the_setting_that_fixes_them()
    {
        var story = await BookAsync(new { }, "Cy");
        // The ledger says who drew each picture: a model's pictures cannot be redrawn here.
        await using (var db = _h.App.Db())
            await db
                .Generations.Where(g => g.StoryId == story.Id && g.Type == GenerationType.Image)
                .ExecuteUpdateAsync(s => s.SetProperty(g => g.Provider, "openai"));
        var view = await (
            await _api.PostAsync($"/api/stories/{story.Id}/print", null)
        ).Content.ReadFromJsonAsync<JsonElement>();
        var checks = Checks(view.GetProperty("report"));
        var pictures = checks["pictures"];
        Assert.That(pictures.GetProperty("passed").GetBoolean(), Is.False);
        var lowest = double.Parse(
            Ppi().Match(pictures.GetProperty("measured").GetString()!).Groups[1].Value,
            CultureInfo.InvariantCulture
        );
        // The configured picture size over 8.75 in (bleed included): 1536 px is 175 DPI; the tests draw smaller.
        var generation = _h.App.Services.GetRequiredService<IOptions<StorybookShop.Generation.GenerationOptions>>();
        Assert.That(lowest, Is.EqualTo(generation.Value.Offline.Illustrations.SizePx / 8.75).Within(1));
        Assert.That(pictures.GetProperty("fix").GetString(), Does.Contain("Settings → Print resolution"));
        Assert.That(checks["pages"].GetProperty("fix").ValueKind, Is.EqualTo(JsonValueKind.Null), "passed: no fix");

        var page = System.Net.WebUtility.HtmlDecode(
            await _api.GetStringAsync(ShopifyKit.AdminUrl($"/stories/{story.Id}", _shop))
        );
        Assert.That(page, Does.Contain("Needs attention before print").And.Contain("Settings → Print resolution"));
    }

    [Test]
    public async Task An_unfinished_book_has_no_print_package_yet()
    {
        var response = await _api.PostAsync($"/api/stories/{Guid.NewGuid()}/print", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase(24)]
    [TestCase(80)]
    [TestCase(130)]
    public async Task The_cover_wrap_is_sized_to_the_page_count_and_paper(int pages)
    {
        var package = _h.App.Services.GetRequiredService<PrintPackage>();
        var story = new Story
        {
            Id = Guid.NewGuid(),
            ChildName = "Cy",
            AgeGroup = "3-5",
            Genre = "ocean",
            Title = "Cy and the Whale",
            Description = "A gentle story about a boy and a very big friend.",
        };
        var jpeg = TestImages.Jpeg(SkiaSharp.SKColors.SteelBlue, 600);
        foreach (var (paper, thickness) in new[] { ("white", 0.002252), ("cream", 0.0025), ("color", 0.002347) })
        {
            var wrap = CoverGeometry.For(BookFormat.ForTrim(8.5), pages, paper);
            var pdf = await package.RenderCoverAsync(story, jpeg, wrap, CancellationToken.None);
            var facts = await PdfFacts.ReadAsync(pdf);
            var spine = pages * thickness;
            Assert.That(
                facts.WidthPt / 72,
                Is.EqualTo(2 * 8.5 + spine + 0.25).Within(0.001),
                $"{pages} pages, {paper}"
            );
            Assert.That(facts.HeightPt / 72, Is.EqualTo(8.75).Within(0.001));
            Assert.That(
                facts.TrimBox,
                Is.EqualTo(
                    string.Join(
                        ' ',
                        new[] { 9, 9, (2 * 8.5 + spine + 0.125) * 72, 8.625 * 72 }.Select(v =>
                            v.ToString("0.00", CultureInfo.InvariantCulture)
                        )
                    )
                ),
                "trim 0.125 in inside every edge"
            );

            // Spine text only from 80 pages; the barcode area stays clear of words.
            var words = await Words(pdf);
            var spineX0 = (0.125 + 8.5) * 72;
            var onSpine = words.Count(w => w.XMin >= spineX0 - 1 && w.XMax <= spineX0 + spine * 72 + 1);
            Assert.That(onSpine > 0, Is.EqualTo(pages >= 80), $"spine text at {pages} pages");
            var bx1 = (0.125 + 8.5 - 0.25) * 72;
            var by1 = (8.75 - 0.125 - 0.25) * 72;
            Assert.That(
                words.Where(w => w.XMax > bx1 - 144 && w.XMin < bx1 && w.YMax > by1 - 1.2 * 72 && w.YMin < by1),
                Is.Empty
            );
            Assert.That(words.Any(w => w.Text == "gentle"), Is.True, "the blurb is on the back");
        }
    }

    [Test]
    public async Task Text_outside_the_safe_zone_is_caught_with_the_page_and_word()
    {
        var renderer = _h.App.Services.GetRequiredService<BookRenderer>();
        var dir = Directory.CreateTempSubdirectory("preflight-");
        try
        {
            // 24 pages of 8.5 in + bleed; page 3 (a recto: the inside edge is its left) has a word 0.2 in from the
            // trim.
            var pages = string.Concat(
                Enumerable
                    .Range(1, 24)
                    .Select(i =>
                        $"<section style=\"width:8.75in;height:8.75in;position:relative;break-after:page\"><p "
                        + $"style=\"position:absolute;top:3in;left:{(i == 3 ? 0.325 : 1.5)}in;margin:0;font:20pt "
                        + $"sans-serif\">{(i == 3 ? "Edgy" : "Safe")}</p></section>"
                    )
            );
            var html = Path.Combine(dir.FullName, "book.html");
            await File.WriteAllTextAsync(
                html,
                $"<!DOCTYPE html><html><head><style>@page {{ size: 8.75in 8.75in; margin: 0 }} body {{ margin: 0 "
                    + $"}}</style></head><body>{pages}</body></html>"
            );
            var interior = Path.Combine(dir.FullName, "interior.pdf");
            await File.WriteAllBytesAsync(
                interior,
                await renderer.RenderAsync(html, BookFormat.ForTrim(8.5), CancellationToken.None)
            );
            var package = _h.App.Services.GetRequiredService<PrintPackage>();
            var wrap = CoverGeometry.For(BookFormat.ForTrim(8.5), 24, "white");
            var cover = Path.Combine(dir.FullName, "cover.pdf");
            await File.WriteAllBytesAsync(
                cover,
                await package.RenderCoverAsync(
                    new Story
                    {
                        ChildName = "X",
                        AgeGroup = "3-5",
                        Genre = "ocean",
                        Title = "T",
                    },
                    TestImages.Jpeg(SkiaSharp.SKColors.SteelBlue, 100),
                    wrap,
                    CancellationToken.None
                )
            );

            var report = await Preflight.RunAsync(
                interior,
                cover,
                BookFormat.ForTrim(8.5),
                wrap,
                DateTimeOffset.UtcNow,
                CancellationToken.None
            );
            var safe = report.Checks.Single(c => c.Id == "safe-zone");
            Assert.That(safe.Passed, Is.False);
            Assert.That(safe.Measured, Does.Contain("\"Edgy\" on page 3"));
            Assert.That(report.Checks.Single(c => c.Id == "pages").Passed, Is.True);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    private sealed record Word(string Text, double XMin, double YMin, double XMax, double YMax);

    private static async Task<List<Word>> Words(byte[] pdf)
    {
        var html = await Run(pdf, "pdftotext", "-bbox", "{file}", "-");
        return
        [
            .. WordTag().Matches(html).Select(m => new Word(m.Groups[5].Value, D(m, 1), D(m, 2), D(m, 3), D(m, 4))),
        ];
    }

    private static async Task<List<double>> Images(byte[] zipBytes, string entry)
    {
        using var zip = new ZipArchive(new MemoryStream(zipBytes));
        await using var stream = await zip.GetEntry(entry)!.OpenAsync();
        using var ms = new MemoryStream();
        await stream.CopyToAsync(ms);
        return await ImagesOf(ms.ToArray());
    }

    /// <summary>Each picture's resolution at its printed size (pdfimages -list).</summary>
    private static async Task<List<double>> ImagesOf(byte[] pdf)
    {
        var list = await Run(pdf, "pdfimages", "-list", "{file}");
        return
        [
            .. list.Split('\n')
                .Skip(2)
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f.Length >= 14 && f[2] == "image")
                .Select(f =>
                    Math.Min(
                        double.Parse(f[12], CultureInfo.InvariantCulture),
                        double.Parse(f[13], CultureInfo.InvariantCulture)
                    )
                ),
        ];
    }

    private static double D(Match m, int g) => double.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);

    private static async Task<string> Run(byte[] pdf, string tool, params string[] args)
    {
        var file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
                psi.ArgumentList.Add(a == "{file}" ? file : a);
            using var p = Process.Start(psi)!;
            var output = await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            return output;
        }
        finally
        {
            File.Delete(file);
        }
    }

    [GeneratedRegex(@"<word xMin=""([\d.]+)"" yMin=""([\d.]+)"" xMax=""([\d.]+)"" yMax=""([\d.]+)"">([^<]*)</word>")]
    private static partial Regex WordTag();

    [GeneratedRegex(@"lowest (\d+) DPI")]
    private static partial Regex Ppi();
}
