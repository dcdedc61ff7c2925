using StorybookShop.Data;
using StorybookShop.Hosting;

namespace StorybookShop.Books;

/// <summary>
/// The picture book's page plan and its HTML (<see cref="BookDocument"/>, rendered with the component renderer):
/// cover, title page, dedication, a spread per story page, The End, an about page, drawing pages to reach an even
/// count of at least 24, and the back cover.
/// </summary>
public static class BookLayout
{
    public const int MinimumPages = 24;

    public sealed record Images(string Cover, IReadOnlyList<string> Pages);

    /// <summary>Cover, title, dedication, a spread per story page, The End, about, back cover.</summary>
    public static int LaidOutPages(int storyPages) => 3 + 2 * storyPages + 2 + 1;

    public static int PageCount(int storyPages)
    {
        var pages = LaidOutPages(storyPages);
        return Math.Max(MinimumPages, pages % 2 == 0 ? pages : pages + 1);
    }

    /// <summary>Drawing pages that bring the book to its even count of at least <see cref="MinimumPages"/>.</summary>
    public static int DrawingPages(int storyPages) => PageCount(storyPages) - LaidOutPages(storyPages);

    public static Task<string> HtmlAsync(ComponentHtml html, Story story, IReadOnlyList<StoryPage> pages, Images images,
        BookFormat format) =>
        html.RenderAsync<BookDocument>(new Dictionary<string, object?>
        {
            [nameof(BookDocument.Story)] = story, [nameof(BookDocument.Pages)] = pages,
            [nameof(BookDocument.Images)] = images, [nameof(BookDocument.BookFormat)] = format,
        });

    public static int FontSize(string ageGroup) => ageGroup switch { "0-3" => 30, "3-5" => 24, "5-7" => 20, _ => 16 };

    /// <summary>The words around the story, in the book's language.</summary>
    public sealed record BookWords(string StoryFor, string StarringLine, string Dedication, string TheEnd,
        string AboutTitle, string AboutLine, string DrawPrompt);

    public static BookWords Words(string language) => language switch
    {
        "es" => new("Un cuento para {0}", "Protagonizado por {0} y {1}",
            "Este libro se hizo para {0}. Que cada página te traiga una sonrisa.", "Fin", "Sobre este libro",
            "Este cuento se escribió para {0}, para edades de {1} años.", "¡Dibuja tu parte favorita del cuento!"),
        "fr" => new("Une histoire pour {0}", "Avec {0} et {1}",
            "Ce livre a été créé pour {0}. Que chaque page t'apporte un sourire.", "Fin", "À propos de ce livre",
            "Cette histoire a été écrite pour {0}, pour les {1} ans.", "Dessine ton moment préféré de l'histoire !"),
        _ => new("A story for {0}", "Starring {0} and {1}",
            "This book was made for {0}. May every page bring a smile.", "The End", "About this book",
            "This story was written for {0}, for ages {1}.", "Draw your favourite part of the story!"),
    };
}
