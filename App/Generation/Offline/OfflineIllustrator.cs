using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using StorybookShop.Rendering;

namespace StorybookShop.Generation.Offline;

public sealed class OfflineIllustrationOptions
{
    /// <summary>Square picture size in pixels. 1536 px over an 8.75 in bleed page is ~175 DPI.</summary>
    public int SizePx { get; set; } = 1536;
    public int JpegQuality { get; set; } = 86;
}

/// <summary>Draws each page as an SVG scene and rasterizes it to JPEG with the shared Chromium.</summary>
public sealed class OfflineIllustrator(Chromium chromium, IOptions<GenerationOptions> options) : IIllustrator
{
    public string Provider => "offline";

    public async Task<ProviderResult<byte[]>> DrawAsync(IllustrationRequest request, CancellationToken ct)
    {
        var o = options.Value.Offline.Illustrations;
        var theme = StoryContent.Themes[request.Brief.Genre];
        var svg = SceneArt.Svg(request, [.. theme.Palette]);
        var html = $"<!doctype html><html><head><style>html,body{{margin:0;padding:0;background:#fff}}svg{{display:block;width:{o.SizePx}px;height:{o.SizePx}px}}</style></head><body>{svg}</body></html>";
        var jpeg = await chromium.WithPageAsync(async page =>
        {
            await page.SetViewportSizeAsync(o.SizePx, o.SizePx);
            await page.SetContentAsync(html, new PageSetContentOptions { WaitUntil = WaitUntilState.Load });
            return await page.ScreenshotAsync(new PageScreenshotOptions { Type = ScreenshotType.Jpeg, Quality = o.JpegQuality, FullPage = false });
        }, ct);
        return new ProviderResult<byte[]>(jpeg, "offline-svg-v1", 0m, new { sizePx = o.SizePx, bytes = jpeg.Length });
    }
}
