using System.IO.Compression;
using System.Xml.Linq;
using StorybookShop.Books;
using StorybookShop.Data;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Books;

/// <summary>The read-along EPUB's navigation speaks the book's language: a Spanish book's table of contents says
/// "Portada" and "Página 1", not "Cover" and "Page 1".</summary>
public sealed class ReadAlongEpubLanguageTests
{
    [TestCase("es", "Índice", "Portada", "Página 1")]
    [TestCase("fr", "Sommaire", "Couverture", "Page 1")]
    [TestCase("en", "Contents", "Cover", "Page 1")]
    public void The_navigation_is_in_the_books_language(string language, string contents, string cover, string page)
    {
        var story = new Story
        {
            Id = Guid.NewGuid(),
            ChildName = "Lucía",
            AgeGroup = "5-7",
            Genre = "ocean",
            Language = language,
            Title = "Lucía",
        };
        var epub = ReadAlongEpub.Build(
            story,
            [0xFF, 0xD8, 0xFF, 0xD9],
            [
                new ReadAlongEpub.Page(
                    1,
                    "page-01.jpg",
                    [0xFF, 0xD8, 0xFF, 0xD9],
                    "page-01.mp3",
                    TestAudio.SilentMp3(1),
                    1,
                    [new WordTiming("Hola", 0, 0.5)]
                ),
            ],
            DateTimeOffset.UnixEpoch
        );
        using var zip = new ZipArchive(new MemoryStream(epub));
        XDocument Xml(string name)
        {
            using var stream = zip.GetEntry(name)!.Open();
            return XDocument.Load(stream);
        }
        XNamespace xhtml = "http://www.w3.org/1999/xhtml";
        var nav = Xml("OEBPS/nav.xhtml");
        Assert.That(nav.Descendants(xhtml + "title").Single().Value, Is.EqualTo(contents));
        Assert.That(nav.Descendants(xhtml + "a").Select(a => a.Value), Is.EqualTo(new[] { cover, page }));
        Assert.That(Xml("OEBPS/page-01.xhtml").Descendants(xhtml + "title").Single().Value, Is.EqualTo(page));
    }
}
