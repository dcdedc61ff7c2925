using Microsoft.Extensions.Options;

namespace StorybookShop.Generation.Offline;

/// <summary>Draws each page as an SVG scene and rasterizes it to JPEG in-process (SceneRasterizer).</summary>
public sealed class OfflineIllustrator(IOptions<GenerationOptions> options) : IIllustrator
{
    public string Provider => Providers.Offline;

    public async Task<ProviderResult<byte[]>> DrawAsync(IllustrationRequest request, CancellationToken ct)
    {
        var o = options.Value.Offline.Illustrations;
        var theme = StoryContent.Themes[request.Brief.Genre];
        var svg = SceneArt.Svg(request, [.. theme.Palette]);
        // CPU-bound work off the caller's thread: pictures of a book are drawn side by side.
        // Print resolution (a shop setting): 300 DPI at the printed size, bleed included, instead of the screen size.
        var size =
            request.Brief.Settings.PrintResolution == true
                ? Math.Max(o.SizePx, Catalog.BookFormat.ForTrim(request.Brief.Settings.TrimInches).PicturePixels())
                : o.SizePx;
        var jpeg = await Task.Run(() => SceneRasterizer.Jpeg(svg, size, o.JpegQuality), ct);
        return new ProviderResult<byte[]>(jpeg, "offline-svg-skia-v1", 0m, new { sizePx = size, bytes = jpeg.Length });
    }

    /// <summary>The page's own scene drawing turned into line art (<see cref="LineArt"/>): the same shapes,
    /// outlined.</summary>
    public async Task<ProviderResult<byte[]>> DrawLineArtAsync(IllustrationRequest request, CancellationToken ct)
    {
        var o = options.Value.Offline.Illustrations;
        var theme = StoryContent.Themes[request.Brief.Genre];
        var svg = LineArt.FromSvg(SceneArt.Svg(request, [.. theme.Palette]));
        var size =
            request.Brief.Settings.PrintResolution == true
                ? Math.Max(o.SizePx, Catalog.BookFormat.ForTrim(request.Brief.Settings.TrimInches).PicturePixels())
                : o.SizePx;
        var jpeg = await Task.Run(() => SceneRasterizer.Jpeg(svg, size, o.JpegQuality), ct);
        return new ProviderResult<byte[]>(jpeg, "offline-lineart-v1", 0m, new { sizePx = size, bytes = jpeg.Length });
    }
}
