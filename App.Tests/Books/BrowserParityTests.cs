using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StorybookShop.Books;
using StorybookShop.Catalog;
using StorybookShop.Data;
using StorybookShop.Hosting;
using StorybookShop.Rendering;
using StorybookShop.Storage;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Books;

/// <summary>
/// The book renders on Debian's print-only <c>chromium-headless-shell</c> where it is installed, the full
/// <c>chromium</c> otherwise; both print the same book: the same pages, the same words, and pages that look the same
/// when rasterized (compared pixel by pixel, side by side in the test output).
/// </summary>
public sealed class BrowserParityTests
{
    [Test]
    public void The_headless_shell_is_chosen_where_it_is_installed()
    {
        var options = new ChromiumOptions();
        Assert.That(options.Executable, Is.EqualTo(ChromiumOptions.Installed.First(File.Exists)));
        Assert.That(new ChromiumOptions { ExecutablePath = "/usr/bin/chromium" }.IsHeadlessShell, Is.False);
    }

    [Test]
    public async Task The_shell_and_the_full_chromium_print_the_same_book()
    {
        if (!File.Exists(ChromiumOptions.Installed[0]) || !File.Exists(ChromiumOptions.Installed[1]))
            Assert.Ignore("needs both chromium-headless-shell and chromium (scripts/test.sh installs both)");
        await using var app = new AppFactory(await TestServices.CreateDatabaseAsync("browser-parity"));
        using var http = app.CreateClient();
        var created = await http.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = "Ada",
                ageGroup = "3-5",
                genre = "fairytale",
            }
        );
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var story = await app.WaitForStoryAsync(id, TimeSpan.FromMinutes(2));
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);

        var pages = story.Pages.OrderBy(p => p.Number).ToList();
        using var folder = await BookFolder.FillAsync(
            app.Services.GetRequiredService<IAssetStore>(),
            story,
            pages,
            default
        );
        var html = folder.File("book.html");
        await File.WriteAllTextAsync(
            html,
            await BookLayout.HtmlAsync(
                app.Services.GetRequiredService<ComponentHtml>(),
                story,
                pages,
                new BookLayout.Images(folder.Cover, folder.Images),
                BookFormat.Print
            )
        );
        var shell = await RenderAsync(ChromiumOptions.Installed[0], html);
        var full = await RenderAsync(ChromiumOptions.Installed[1], html);

        var (a, b) = (await PdfFacts.ReadAsync(shell), await PdfFacts.ReadAsync(full));
        Assert.That(a.Pages, Is.EqualTo(b.Pages), "the same page count");
        Assert.That(await PdfFacts.TextAsync(shell), Is.EqualTo(await PdfFacts.TextAsync(full)), "the same words");
        var sheet = new List<(SkiaSharp.SKBitmap, SkiaSharp.SKBitmap)>();
        for (var page = 1; page <= a.Pages; page += 3)
        {
            var left = await PdfFacts.PageImageAsync(shell, page, 30);
            var right = await PdfFacts.PageImageAsync(full, page, 30);
            Assert.That(Pictures.MeanDifference(left, right), Is.LessThan(1.0), $"page {page} looks the same");
            sheet.Add((left, right));
        }
        Pictures.ContactSheet("browsers/shell-vs-full", sheet);
    }

    private static async Task<byte[]> RenderAsync(string executable, string html)
    {
        await using var chromium = new Chromium(
            Options.Create(new ChromiumOptions { ExecutablePath = executable }),
            NullLogger<Chromium>.Instance
        );
        return await new BookRenderer(chromium).RenderAsync(html, BookFormat.Print, default);
    }
}
