using Microsoft.Playwright;
using StorybookShop.Rendering;

namespace StorybookShop.Books;

/// <summary>Turns the book's HTML into a PDF with the shared Chromium; print PDFs get TrimBox and BleedBox.</summary>
public sealed class BookRenderer(Chromium chromium)
{
    /// <summary>Renders <paramref name="htmlFile"/> (images beside it, loaded by relative path).</summary>
    public async Task<byte[]> RenderAsync(string htmlFile, BookFormat format, CancellationToken ct)
    {
        var pdf = await chromium.WithPageAsync(async page =>
        {
            await page.GotoAsync(new Uri(htmlFile).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
            await page.EvaluateAsync("() => document.fonts.ready.then(() => true)");
            var bytes = await page.PdfAsync(new PagePdfOptions { PreferCSSPageSize = true, PrintBackground = true });
            // An idle pooled page would otherwise keep every decoded picture of this book in memory.
            await page.GotoAsync("about:blank");
            return bytes;
        }, ct);
        return format.BleedInches > 0 ? PrintBoxes.Add(pdf, format) : pdf;
    }
}
