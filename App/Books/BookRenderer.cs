using System.Net;
using PuppeteerSharp;
using StorybookShop.Catalog;
using StorybookShop.Rendering;

namespace StorybookShop.Books;

/// <summary>Turns the book's HTML into a PDF with the shared Chromium; print PDFs get TrimBox and BleedBox.</summary>
public sealed class BookRenderer(Chromium chromium)
{
    /// <summary>The private origin the book is served from; only its own folder answers there.</summary>
    public const string Origin = "https://book.storybookshop.invalid";

    /// <summary>
    /// Renders <paramref name="htmlFile"/> (images beside it, loaded by relative path). The page is served from a
    /// private https origin backed by the book's folder alone: a file outside it, any other host and any file:// URL
    /// (which an https page may not load) are not reachable; every other request is aborted by <see cref="Chromium"/>.
    /// </summary>
    public async Task<byte[]> RenderAsync(string htmlFile, BookFormat format, CancellationToken ct)
    {
        var folder = Path.GetFullPath(Path.GetDirectoryName(htmlFile)!) + Path.DirectorySeparatorChar;
        var pdf = await chromium.WithPageAsync(
            request => ServeAsync(request, folder),
            async page =>
            {
                await page.GoToAsync(
                    $"{Origin}/{Uri.EscapeDataString(Path.GetFileName(htmlFile))}",
                    WaitUntilNavigation.Load
                );
                await page.EvaluateExpressionAsync("document.fonts.ready.then(() => true)");
                var bytes = await page.PdfDataAsync(
                    new PdfOptions { PreferCSSPageSize = true, PrintBackground = true }
                );
                // An idle pooled page would otherwise keep every decoded picture of this book in memory.
                await page.GoToAsync("about:blank");
                return bytes;
            },
            ct
        );
        return format.BleedInches > 0 ? PrintBoxes.Add(pdf, format) : pdf;
    }

    private static async Task<bool> ServeAsync(IRequest request, string folder)
    {
        if (!request.Url.StartsWith(Origin + "/", StringComparison.Ordinal))
            return false;
        var path = Uri.UnescapeDataString(new Uri(request.Url).AbsolutePath).TrimStart('/');
        if (path == "favicon.ico")
        {
            // The browser asks every origin for one; the book has none.
            await request.RespondAsync(new ResponseData { Status = HttpStatusCode.NotFound });
            return true;
        }
        var file = Path.GetFullPath(Path.Combine(folder, path));
        if (!file.StartsWith(folder, StringComparison.Ordinal) || !File.Exists(file))
            return false;
        await request.RespondAsync(
            new ResponseData
            {
                Status = HttpStatusCode.OK,
                BodyData = await File.ReadAllBytesAsync(file),
                ContentType = Path.GetExtension(file).ToLowerInvariant() switch
                {
                    ".html" => "text/html; charset=utf-8",
                    ".jpg" or ".jpeg" => "image/jpeg",
                    ".png" => "image/png",
                    ".svg" => "image/svg+xml",
                    _ => "application/octet-stream",
                },
            }
        );
        return true;
    }
}
