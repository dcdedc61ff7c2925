using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;
using StorybookShop.Data;

namespace StorybookShop.Books;

/// <summary>
/// An EPUB 3 with Media Overlays: one XHTML page per story page with every word in its own span, the page's
/// narration beside it, and a SMIL file that pairs each span with its stretch of audio, so reading systems
/// highlight the words as they are spoken. Made only when every page has word timings.
/// </summary>
public static class ReadAlongEpub
{
    public const string ActiveClass = "-epub-media-overlay-active";

    public sealed record Page(int Number, string ImageFile, byte[] Image, string AudioFile, byte[] Audio, double AudioSeconds, IReadOnlyList<WordTiming> Words);

    public static bool CanMake(IEnumerable<StoryPage> pages) => pages.All(p => p.Words is { Count: > 0 } && p.AudioSeconds > 0);

    public static byte[] Build(Story story, byte[] cover, IReadOnlyList<Page> pages, DateTimeOffset modified)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            // The mimetype comes first and uncompressed, so tools can recognise the file from its first bytes.
            Add(zip, "mimetype", "application/epub+zip", CompressionLevel.NoCompression);
            Add(zip, "META-INF/container.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
                  <rootfiles><rootfile full-path="OEBPS/package.opf" media-type="application/oebps-package+xml"/></rootfiles>
                </container>
                """);
            Add(zip, "OEBPS/package.opf", Package(story, pages, modified));
            Add(zip, "OEBPS/nav.xhtml", Nav(story, pages));
            Add(zip, "OEBPS/style.css", $$"""
                body { font-family: sans-serif; margin: 0; padding: 1em; }
                img { display: block; max-width: 100%; margin: 0 auto 1em; }
                p { font-size: 1.4em; line-height: 1.5; }
                .{{ActiveClass}} { background: #ffe38a; border-radius: 0.2em; }
                """);
            Add(zip, "OEBPS/cover.xhtml", Xhtml(story, X(story.Title ?? "Story"), $"<img src=\"images/cover.jpg\" alt=\"{X(story.Title ?? "Cover")}\"/><h1>{X(story.Title ?? "")}</h1>"));
            AddBytes(zip, "OEBPS/images/cover.jpg", cover);
            foreach (var p in pages)
            {
                var spans = string.Join(" ", p.Words.Select((w, i) => $"<span id=\"w{i + 1}\">{X(w.Word)}</span>"));
                Add(zip, $"OEBPS/page-{p.Number:D2}.xhtml", Xhtml(story, $"Page {p.Number}", $"<img src=\"images/{p.ImageFile}\" alt=\"\"/><p id=\"text\">{spans}</p>"));
                Add(zip, $"OEBPS/page-{p.Number:D2}.smil", Smil(p));
                AddBytes(zip, $"OEBPS/images/{p.ImageFile}", p.Image);
                AddBytes(zip, $"OEBPS/audio/{p.AudioFile}", p.Audio);
            }
        }
        return buffer.ToArray();
    }

    private static string Package(Story story, IReadOnlyList<Page> pages, DateTimeOffset modified)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="{X(story.Language)}">
              <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
                <dc:identifier id="book-id">urn:uuid:{story.Id}</dc:identifier>
                <dc:title>{X(story.Title ?? "Story")}</dc:title>
                <dc:language>{X(story.Language)}</dc:language>
                <meta property="dcterms:modified">{modified.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}</meta>
                <meta property="media:active-class">{ActiveClass}</meta>
                <meta property="media:duration">{Clock(pages.Sum(p => p.AudioSeconds))}</meta>

            """);
        foreach (var p in pages)
            sb.Append(CultureInfo.InvariantCulture, $"    <meta property=\"media:duration\" refines=\"#smil-{p.Number:D2}\">{Clock(p.AudioSeconds)}</meta>\n");
        sb.Append("""
              </metadata>
              <manifest>
                <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
                <item id="css" href="style.css" media-type="text/css"/>
                <item id="cover" href="cover.xhtml" media-type="application/xhtml+xml"/>
                <item id="cover-image" href="images/cover.jpg" media-type="image/jpeg" properties="cover-image"/>

            """);
        foreach (var p in pages)
        {
            sb.Append(CultureInfo.InvariantCulture, $"    <item id=\"page-{p.Number:D2}\" href=\"page-{p.Number:D2}.xhtml\" media-type=\"application/xhtml+xml\" media-overlay=\"smil-{p.Number:D2}\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"    <item id=\"smil-{p.Number:D2}\" href=\"page-{p.Number:D2}.smil\" media-type=\"application/smil+xml\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"    <item id=\"image-{p.Number:D2}\" href=\"images/{p.ImageFile}\" media-type=\"image/jpeg\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"    <item id=\"audio-{p.Number:D2}\" href=\"audio/{p.AudioFile}\" media-type=\"audio/mpeg\"/>\n");
        }
        sb.Append("  </manifest>\n  <spine>\n    <itemref idref=\"cover\"/>\n");
        foreach (var p in pages) sb.Append(CultureInfo.InvariantCulture, $"    <itemref idref=\"page-{p.Number:D2}\"/>\n");
        sb.Append("  </spine>\n</package>\n");
        return sb.ToString();
    }

    private static string Nav(Story story, IReadOnlyList<Page> pages) => Xhtml(story, "Contents",
        $"<nav epub:type=\"toc\" id=\"toc\"><h1>{X(story.Title ?? "Contents")}</h1><ol><li><a href=\"cover.xhtml\">Cover</a></li>" +
        string.Concat(pages.Select(p => $"<li><a href=\"page-{p.Number:D2}.xhtml\">Page {p.Number}</a></li>")) + "</ol></nav>");

    private static string Smil(Page p)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops" version="3.0">
              <body>
                <seq id="seq-{p.Number:D2}" epub:textref="page-{p.Number:D2}.xhtml#text" epub:type="bodymatter">

            """);
        for (var i = 0; i < p.Words.Count; i++)
        {
            var w = p.Words[i];
            // Clips never run past the audio, and each word's clip ends where the next one starts (no gaps to skip over).
            var begin = Math.Clamp(w.Start, 0, p.AudioSeconds);
            var end = i + 1 < p.Words.Count ? Math.Clamp(Math.Max(w.End, p.Words[i + 1].Start), begin, p.AudioSeconds) : Math.Clamp(Math.Max(w.End, begin), begin, p.AudioSeconds);
            sb.Append(CultureInfo.InvariantCulture,
                $"      <par id=\"par-{i + 1}\"><text src=\"page-{p.Number:D2}.xhtml#w{i + 1}\"/><audio src=\"audio/{p.AudioFile}\" clipBegin=\"{begin:0.000}s\" clipEnd=\"{end:0.000}s\"/></par>\n");
        }
        sb.Append("    </seq>\n  </body>\n</smil>\n");
        return sb.ToString();
    }

    private static string Xhtml(Story story, string title, string body) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{X(story.Language)}" xml:lang="{X(story.Language)}">
        <head><meta charset="UTF-8"/><title>{X(title)}</title><link rel="stylesheet" href="style.css" type="text/css"/></head>
        <body>{body}</body>
        </html>
        """;

    /// <summary>SMIL clock value h:mm:ss.fff, as media:duration wants it.</summary>
    public static string Clock(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds, 3));
        return string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}.{t.Milliseconds:D3}");
    }

    private static string X(string s) => SecurityElement.Escape(s) ?? "";

    private static void Add(ZipArchive zip, string name, string text, CompressionLevel level = CompressionLevel.Optimal) =>
        AddBytes(zip, name, Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n")), level);

    private static void AddBytes(ZipArchive zip, string name, byte[] bytes, CompressionLevel level = CompressionLevel.Optimal)
    {
        var entry = zip.CreateEntry(name, level);
        entry.LastWriteTime = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var s = entry.Open();
        s.Write(bytes);
    }
}
