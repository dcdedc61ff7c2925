using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using System.Xml.Linq;
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

    public sealed record Page(
        int Number,
        string ImageFile,
        byte[] Image,
        string AudioFile,
        byte[] Audio,
        double AudioSeconds,
        IReadOnlyList<WordTiming> Words
    );

    public static bool CanMake(IEnumerable<StoryPage> pages) =>
        pages.All(p => p.Words is { Count: > 0 } && p.AudioSeconds > 0);

    private static readonly XNamespace Xh = "http://www.w3.org/1999/xhtml";
    private static readonly XNamespace Ops = "http://www.idpf.org/2007/ops";
    private static readonly XNamespace Opf = "http://www.idpf.org/2007/opf";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";
    private static readonly XNamespace Smil = "http://www.w3.org/ns/SMIL";
    private static readonly XNamespace Container = "urn:oasis:names:tc:opendocument:xmlns:container";

    /// <summary>Every document is built as XML (LINQ to XML), so every value is escaped by construction and each file
    /// is well-formed XHTML, as EPUB requires (an HTML renderer would write HTML, not XML).</summary>
    public static byte[] Build(Story story, byte[] cover, IReadOnlyList<Page> pages, DateTimeOffset modified)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            // The mimetype comes first and uncompressed, so tools can recognise the file from its first bytes.
            AddBytes(zip, "mimetype", "application/epub+zip"u8.ToArray(), CompressionLevel.NoCompression);
            Add(zip, "META-INF/container.xml", ContainerXml());
            Add(zip, "OEBPS/package.opf", Package(story, pages, modified));
            Add(zip, "OEBPS/nav.xhtml", Nav(story, pages));
            AddBytes(zip, "OEBPS/style.css", Encoding.UTF8.GetBytes(Style));
            Add(zip, "OEBPS/cover.xhtml", CoverPage(story));
            AddBytes(zip, "OEBPS/images/cover.jpg", cover);
            foreach (var p in pages)
            {
                Add(zip, $"OEBPS/page-{p.Number:D2}.xhtml", PageXhtml(story, p));
                Add(zip, $"OEBPS/page-{p.Number:D2}.smil", SmilOf(p));
                AddBytes(zip, $"OEBPS/images/{p.ImageFile}", p.Image);
                AddBytes(zip, $"OEBPS/audio/{p.AudioFile}", p.Audio);
            }
        }
        return buffer.ToArray();
    }

    private static XDocument ContainerXml() =>
        new XDocument(
            new XElement(
                Container + "container",
                new XAttribute("version", "1.0"),
                new XElement(
                    Container + "rootfiles",
                    new XElement(
                        Container + "rootfile",
                        new XAttribute("full-path", "OEBPS/package.opf"),
                        new XAttribute("media-type", "application/oebps-package+xml")
                    )
                )
            )
        );

    private static readonly string Style = $$"""
        body { font-family: sans-serif; margin: 0; padding: 1em; }
        img { display: block; max-width: 100%; margin: 0 auto 1em; }
        p { font-size: 1.4em; line-height: 1.5; }
        .{{ActiveClass}} { background: #ffe38a; border-radius: 0.2em; }
        """.ReplaceLineEndings("\n");

    private static XDocument CoverPage(Story story) =>
        Xhtml(
            story,
            story.Title ?? "Story",
            new XElement(
                Xh + "img",
                new XAttribute("src", "images/cover.jpg"),
                new XAttribute("alt", story.Title ?? CoverLabel(story.Language))
            ),
            new XElement(Xh + "h1", story.Title ?? "")
        );

    /// <summary>A page: its picture, and its text with each word in its own span (what the overlay
    /// highlights).</summary>
    private static XDocument PageXhtml(Story story, Page p)
    {
        var text = new XElement(Xh + "p", new XAttribute("id", "text"));
        for (var i = 0; i < p.Words.Count; i++)
        {
            if (i > 0)
                text.Add(" ");
            text.Add(new XElement(Xh + "span", new XAttribute("id", $"w{i + 1}"), p.Words[i].Word));
        }
        return Xhtml(
            story,
            PageLabel(story.Language, p.Number),
            new XElement(Xh + "img", new XAttribute("src", $"images/{p.ImageFile}"), new XAttribute("alt", "")),
            text
        );
    }

    private static XDocument Package(Story story, IReadOnlyList<Page> pages, DateTimeOffset modified)
    {
        static XElement Meta(string property, string value, string? refines = null) =>
            new(
                Opf + "meta",
                new XAttribute("property", property),
                refines is null ? null : new XAttribute("refines", refines),
                value
            );
        return new XDocument(
            new XElement(
                Opf + "package",
                new XAttribute("version", "3.0"),
                new XAttribute("unique-identifier", "book-id"),
                new XAttribute(XNamespace.Xml + "lang", story.Language),
                new XElement(
                    Opf + "metadata",
                    new XAttribute(XNamespace.Xmlns + "dc", Dc),
                    new XElement(Dc + "identifier", new XAttribute("id", "book-id"), $"urn:uuid:{story.Id}"),
                    new XElement(Dc + "title", story.Title ?? "Story"),
                    new XElement(Dc + "language", story.Language),
                    Meta(
                        "dcterms:modified",
                        modified.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)
                    ),
                    Meta("media:active-class", ActiveClass),
                    Meta("media:duration", Clock(pages.Sum(p => p.AudioSeconds))),
                    pages.Select(p => Meta("media:duration", Clock(p.AudioSeconds), $"#smil-{p.Number:D2}"))
                ),
                Manifest(pages),
                new XElement(
                    Opf + "spine",
                    new XElement(Opf + "itemref", new XAttribute("idref", "cover")),
                    pages.Select(p => new XElement(Opf + "itemref", new XAttribute("idref", $"page-{p.Number:D2}")))
                )
            )
        );
    }

    private static XElement Manifest(IReadOnlyList<Page> pages) =>
        new XElement(
            Opf + "manifest",
            Item("nav", "nav.xhtml", "application/xhtml+xml", new XAttribute("properties", "nav")),
            Item("css", "style.css", "text/css"),
            Item("cover", "cover.xhtml", "application/xhtml+xml"),
            Item("cover-image", "images/cover.jpg", "image/jpeg", new XAttribute("properties", "cover-image")),
            pages.SelectMany(p =>
                new[]
                {
                    Item(
                        $"page-{p.Number:D2}",
                        $"page-{p.Number:D2}.xhtml",
                        "application/xhtml+xml",
                        new XAttribute("media-overlay", $"smil-{p.Number:D2}")
                    ),
                    Item($"smil-{p.Number:D2}", $"page-{p.Number:D2}.smil", "application/smil+xml"),
                    Item($"image-{p.Number:D2}", $"images/{p.ImageFile}", "image/jpeg"),
                    Item($"audio-{p.Number:D2}", $"audio/{p.AudioFile}", "audio/mpeg"),
                }
            )
        );

    private static XElement Item(string id, string href, string type, params XAttribute[] more) =>
        new(
            Opf + "item",
            new XAttribute("id", id),
            new XAttribute("href", href),
            new XAttribute("media-type", type),
            more
        );

    /// <summary>The navigation's words in the book's language.</summary>
    internal static string ContentsLabel(string language) =>
        language switch
        {
            "es" => "Índice",
            "fr" => "Sommaire",
            _ => "Contents",
        };

    internal static string CoverLabel(string language) =>
        language switch
        {
            "es" => "Portada",
            "fr" => "Couverture",
            _ => "Cover",
        };

    internal static string PageLabel(string language, int number) =>
        language switch
        {
            "es" => $"Página {number}",
            "fr" => $"Page {number}",
            _ => $"Page {number}",
        };

    private static XDocument Nav(Story story, IReadOnlyList<Page> pages) =>
        Xhtml(
            story,
            ContentsLabel(story.Language),
            new XElement(
                Xh + "nav",
                new XAttribute(Ops + "type", "toc"),
                new XAttribute("id", "toc"),
                new XElement(Xh + "h1", story.Title ?? ContentsLabel(story.Language)),
                new XElement(
                    Xh + "ol",
                    new XElement(
                        Xh + "li",
                        new XElement(Xh + "a", new XAttribute("href", "cover.xhtml"), CoverLabel(story.Language))
                    ),
                    pages.Select(p => new XElement(
                        Xh + "li",
                        new XElement(
                            Xh + "a",
                            new XAttribute("href", $"page-{p.Number:D2}.xhtml"),
                            PageLabel(story.Language, p.Number)
                        )
                    ))
                )
            )
        );

    private static XDocument SmilOf(Page p)
    {
        var seq = new XElement(
            Smil + "seq",
            new XAttribute("id", $"seq-{p.Number:D2}"),
            new XAttribute(Ops + "textref", $"page-{p.Number:D2}.xhtml#text"),
            new XAttribute(Ops + "type", "bodymatter")
        );
        for (var i = 0; i < p.Words.Count; i++)
        {
            var w = p.Words[i];
            // Clips never run past the audio, and each word's clip ends where the next one starts (no gaps to skip
            // over).
            var begin = Math.Clamp(w.Start, 0, p.AudioSeconds);
            var end =
                i + 1 < p.Words.Count
                    ? Math.Clamp(Math.Max(w.End, p.Words[i + 1].Start), begin, p.AudioSeconds)
                    : Math.Clamp(Math.Max(w.End, begin), begin, p.AudioSeconds);
            seq.Add(
                new XElement(
                    Smil + "par",
                    new XAttribute("id", $"par-{i + 1}"),
                    new XElement(Smil + "text", new XAttribute("src", $"page-{p.Number:D2}.xhtml#w{i + 1}")),
                    new XElement(
                        Smil + "audio",
                        new XAttribute("src", $"audio/{p.AudioFile}"),
                        new XAttribute("clipBegin", string.Create(CultureInfo.InvariantCulture, $"{begin:0.000}s")),
                        new XAttribute("clipEnd", string.Create(CultureInfo.InvariantCulture, $"{end:0.000}s"))
                    )
                )
            );
        }
        return new XDocument(
            new XElement(
                Smil + "smil",
                new XAttribute(XNamespace.Xmlns + "epub", Ops),
                new XAttribute("version", "3.0"),
                new XElement(Smil + "body", seq)
            )
        );
    }

    private static XDocument Xhtml(Story story, string title, params object[] body) =>
        new(
            new XDocumentType("html", null, null, null),
            new XElement(
                Xh + "html",
                new XAttribute(XNamespace.Xmlns + "epub", Ops),
                new XAttribute("lang", story.Language),
                new XAttribute(XNamespace.Xml + "lang", story.Language),
                new XElement(
                    Xh + "head",
                    new XElement(Xh + "meta", new XAttribute("charset", "UTF-8")),
                    new XElement(Xh + "title", title),
                    new XElement(
                        Xh + "link",
                        new XAttribute("rel", "stylesheet"),
                        new XAttribute("href", "style.css"),
                        new XAttribute("type", "text/css")
                    )
                ),
                new XElement(Xh + "body", body)
            )
        );

    /// <summary>SMIL clock value h:mm:ss.fff, as media:duration wants it.</summary>
    public static string Clock(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds, 3));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}.{t.Milliseconds:D3}"
        );
    }

    private static void Add(ZipArchive zip, string name, XDocument document)
    {
        using var text = new MemoryStream();
        using (
            var writer = XmlWriter.Create(
                text,
                new XmlWriterSettings
                {
                    Encoding = new UTF8Encoding(false),
                    Indent = true,
                    NewLineChars = "\n",
                }
            )
        )
            document.Save(writer);
        AddBytes(zip, name, text.ToArray());
    }

    private static void AddBytes(
        ZipArchive zip,
        string name,
        byte[] bytes,
        CompressionLevel level = CompressionLevel.Optimal
    )
    {
        var entry = zip.CreateEntry(name, level);
        entry.LastWriteTime = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var s = entry.Open();
        s.Write(bytes);
    }
}
