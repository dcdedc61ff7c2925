using System.Globalization;
using System.Text.RegularExpressions;

namespace StorybookShop.Generation.Offline;

/// <summary>
/// A scene drawing as a colouring page: every shape keeps its outline and loses its fill — white shapes with bold dark
/// strokes on white. Light and air are not shapes: glows, light rays, shadows and the night or underwater tint
/// (anything mostly transparent) are left out, since outlined and filled white they would cover the page.
/// </summary>
public static partial class LineArt
{
    public const string Ink = "#222222";

    /// <summary>Shapes less opaque than this are light or air, not things to colour in.</summary>
    public const double MostlyTransparent = 0.5;

    public static string FromSvg(string svg)
    {
        svg = Translucent()
            .Replace(svg, m =>
                double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) < MostlyTransparent ? "" : m.Value
            );
        svg = Glow().Replace(svg, "");
        svg = Defs().Replace(svg, "");
        svg = FilterUse().Replace(svg, "");
        svg = Opacity().Replace(svg, "");
        svg = Fill().Replace(svg, "fill='#ffffff'");
        svg = Stroke().Replace(svg, $"stroke='{Ink}'");
        svg = StrokeWidth()
            .Replace(svg, m =>
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"stroke-width='{Math.Max(5, double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))}'"
                )
            );
        // Shapes without a stroke of their own take a bold one from a wrapping group.
        var open = svg.IndexOf('>', StringComparison.Ordinal) + 1;
        var close = svg.LastIndexOf("</svg>", StringComparison.Ordinal);
        return svg[..open]
            + "<rect width='1000' height='1000' fill='#ffffff'/>"
            + $"<g stroke='{Ink}' stroke-width='6' stroke-linejoin='round' stroke-linecap='round'>"
            + svg[open..close]
            + "</g></svg>";
    }

    [GeneratedRegex(
        @"<defs>.*?</defs>|<linearGradient.*?</linearGradient>|<radialGradient.*?</radialGradient>",
        RegexOptions.Singleline
    )]
    private static partial Regex Defs();

    /// <summary>A single element (no children) with an opacity of its own.</summary>
    [GeneratedRegex(@"<[a-z]+\b[^<>]*?\sopacity='([\d.]+)'[^<>]*?/>")]
    private static partial Regex Translucent();

    /// <summary>A single element painted with the glow gradient (a halo of light).</summary>
    [GeneratedRegex(@"<[a-z]+\b[^<>]*?fill='url\(#glow\)'[^<>]*?/>")]
    private static partial Regex Glow();

    [GeneratedRegex(@"\sfilter='[^']*'")]
    private static partial Regex FilterUse();

    [GeneratedRegex(@"\s(?:fill-|stroke-)?opacity='[^']*'")]
    private static partial Regex Opacity();

    [GeneratedRegex(@"fill='(?!none')[^']*'")]
    private static partial Regex Fill();

    [GeneratedRegex(@"stroke='(?!none')[^']*'")]
    private static partial Regex Stroke();

    [GeneratedRegex(@"stroke-width='([\d.]+)'")]
    private static partial Regex StrokeWidth();
}
