using System.Globalization;
using System.Net;
using System.Text;
using StorybookShop.Data;
using StorybookShop.Generation.Offline;

namespace StorybookShop.Books;

/// <summary>Trim and bleed of the printed book, in inches (shared/DESIGN.md "Book facts").</summary>
public sealed record BookFormat(double TrimInches, double BleedInches)
{
    public static readonly BookFormat Screen = new(8.5, 0);
    public static readonly BookFormat Print = new(8.5, 0.125);
    /// <summary>The square trims a shop may choose, in inches (common print-on-demand picture-book sizes).</summary>
    public static readonly double[] Trims = [8, 8.5, 10];
    public static BookFormat ForTrim(double? inches) => inches is { } t && Trims.Contains(t) ? new(t, Print.BleedInches) : Print;
    public double PageInches => TrimInches + 2 * BleedInches;
    public double PagePoints => PageInches * 72;
}

/// <summary>
/// The picture book as one HTML document: cover, title page, dedication, a spread per story page
/// (picture left, words right), The End, an about page, drawing pages to reach an even count of at
/// least 24, and the back cover.
/// </summary>
public static class BookLayout
{
    public const int MinimumPages = 24;

    public sealed record Images(string Cover, IReadOnlyList<string> Pages);

    public static int PageCount(int storyPages)
    {
        var pages = 3 + 2 * storyPages + 2 + 1;
        return Math.Max(MinimumPages, pages % 2 == 0 ? pages : pages + 1);
    }

    public static string Html(Story story, IReadOnlyList<StoryPage> pages, Images images, BookFormat format)
    {
        var t = Words(story.Language);
        var theme = StoryContent.Themes.TryGetValue(story.Genre, out var th) ? th : StoryContent.Themes.Values.First();
        var p = theme.Palette;
        var inv = CultureInfo.InvariantCulture;
        var page = format.PageInches.ToString(inv);
        var bleed = format.BleedInches.ToString(inv);
        var name = E(story.ChildName);
        var sb = new StringBuilder(32_768);
        sb.Append($$"""
<!doctype html><html lang="{{E(story.Language)}}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; font-src 'self' data:"><title>{{E(story.Title ?? "")}}</title><style>
@page { size: {{page}}in {{page}}in; margin: 0 }
* { box-sizing: border-box }
html, body { margin: 0; padding: 0 }
body { font-family: 'Andika', 'Quicksand', 'Noto Sans', sans-serif; color: #2b2d42 }
.page { width: {{page}}in; height: {{page}}in; position: relative; overflow: hidden; page-break-after: always; break-after: page }
.page:last-child { page-break-after: auto; break-after: auto }
/* Everything that must not be trimmed sits inside bleed + 0.5 in. */
.safe { position: absolute; inset: calc({{bleed}}in + 0.5in); display: flex; flex-direction: column; justify-content: center; align-items: center; text-align: center }
.bleed-img { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: cover }
.cover .band { position: absolute; left: 0; right: 0; top: calc({{bleed}}in + 0.45in); padding: 0.25in calc({{bleed}}in + 0.5in); background: rgba(255,255,255,.82) }
.cover h1 { font-family: 'Quicksand', 'Andika', sans-serif; font-weight: 700; font-size: 40pt; line-height: 1.1; margin: 0; color: {{p[0]}} }
.cover .for { font-size: 16pt; margin-top: 0.08in }
.title h1 { font-family: 'Quicksand', 'Andika', sans-serif; font-size: 34pt; color: {{p[0]}}; margin: 0 0 0.3in }
.title .ornament { font-size: 28pt; color: {{p[3]}} }
.dedication p { font-size: 20pt; font-style: italic; line-height: 1.5; max-width: 5.5in }
.words { background: {{p[4]}}22 }
.words .safe { justify-content: center }
.words p { font-size: {{FontSize(story.AgeGroup)}}pt; line-height: 1.5; margin: 0; text-align: left; max-width: 6.4in }
.words .num { position: absolute; bottom: calc({{bleed}}in + 0.35in); left: 0; right: 0; text-align: center; font-size: 11pt; color: #6c757d }
.end h2 { font-family: 'Quicksand', 'Andika', sans-serif; font-size: 48pt; color: {{p[0]}}; margin: 0 0 0.3in }
.end p { font-size: 18pt; max-width: 5.8in; line-height: 1.5 }
.about h2 { font-size: 24pt; margin: 0 0 .2in; color: {{p[0]}} }
.about p, .about li { font-size: 13pt; line-height: 1.45; text-align: left }
.about ul { padding-left: .3in; margin: 0; align-self: stretch }
.draw .frame { width: 100%; flex: 1; border: 4px dashed {{p[1]}}; border-radius: 24px; margin-top: .2in }
.draw h3 { font-size: 18pt; margin: 0; color: {{p[0]}} }
.back { background: {{p[0]}}; color: #fff }
.back p { font-size: 16pt; line-height: 1.5; max-width: 5.8in }
</style></head><body>
""");
        // Cover
        sb.Append($"<section class='page cover'><img class='bleed-img' src='{E(images.Cover)}' alt=''><div class='band'><h1>{E(story.Title ?? "")}</h1><div class='for'>{E(string.Format(inv, t.StoryFor, story.ChildName))}</div></div></section>");
        // Title page and dedication
        sb.Append($"<section class='page title'><div class='safe'><div class='ornament'>✦ ✦ ✦</div><h1>{E(story.Title ?? "")}</h1><p>{E(string.Format(inv, t.StarringLine, story.ChildName, string.Join(", ", story.Characters.Where(c => c.Role == "companion").Select(c => c.Name))))}</p><div class='ornament'>✦</div></div></section>");
        sb.Append($"<section class='page dedication'><div class='safe'><p>{E(string.Format(inv, t.Dedication, story.ChildName))}</p></div></section>");
        // Spreads: the picture on the left, the words on the right.
        foreach (var sp in pages.OrderBy(x => x.Number))
        {
            var img = images.Pages[sp.Number - 1];
            sb.Append($"<section class='page picture'><img class='bleed-img' src='{E(img)}' alt=''></section>");
            sb.Append($"<section class='page words'><div class='safe'><p>{E(sp.Text)}</p></div><div class='num'>{sp.Number}</div></section>");
        }
        sb.Append($"<section class='page end'><div class='safe'><h2>{E(t.TheEnd)}</h2><p>{E(story.MoralLesson ?? "")}</p></div></section>");
        sb.Append($"<section class='page about'><div class='safe'><h2>{E(t.AboutTitle)}</h2><p>{E(string.Format(inv, t.AboutLine, story.ChildName, story.AgeGroup))}</p><ul>");
        foreach (var c in story.Characters.Where(c => c.Role is "hero" or "companion"))
            sb.Append($"<li><b>{E(c.Name)}</b></li>");
        sb.Append("</ul></div></section>");
        var used = 3 + 2 * pages.Count + 2 + 1;
        var target = PageCount(pages.Count);
        for (var i = used; i < target; i++)
            sb.Append($"<section class='page draw'><div class='safe'><h3>{E(t.DrawPrompt)}</h3><div class='frame'></div></div></section>");
        sb.Append($"<section class='page back'><div class='safe'><p>{E(story.Description ?? "")}</p><p>✦ StorybookShop ✦</p></div></section>");
        sb.Append("</body></html>");
        return sb.ToString();

        static string E(string s) => WebUtility.HtmlEncode(s);
    }

    private static int FontSize(string ageGroup) => ageGroup switch { "0-3" => 30, "3-5" => 24, "5-7" => 20, _ => 16 };

    private sealed record BookWords(string StoryFor, string StarringLine, string Dedication, string TheEnd, string AboutTitle, string AboutLine, string DrawPrompt);

    private static BookWords Words(string language) => language switch
    {
        "es" => new("Un cuento para {0}", "Protagonizado por {0} y {1}", "Este libro se hizo para {0}. Que cada página te traiga una sonrisa.", "Fin", "Sobre este libro",
            "Este cuento se escribió para {0}, para edades de {1} años.", "¡Dibuja tu parte favorita del cuento!"),
        "fr" => new("Une histoire pour {0}", "Avec {0} et {1}", "Ce livre a été créé pour {0}. Que chaque page t'apporte un sourire.", "Fin", "À propos de ce livre",
            "Cette histoire a été écrite pour {0}, pour les {1} ans.", "Dessine ton moment préféré de l'histoire !"),
        _ => new("A story for {0}", "Starring {0} and {1}", "This book was made for {0}. May every page bring a smile.", "The End", "About this book",
            "This story was written for {0}, for ages {1}.", "Draw your favourite part of the story!"),
    };
}
