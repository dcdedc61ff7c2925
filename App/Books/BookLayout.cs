using StorybookShop.Catalog;
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

    /// <param name="Colouring">Line-art files for the last pages (colouring pages) instead of blank drawing pages;
    /// empty: drawing pages.</param>
    public sealed record Images(string Cover, IReadOnlyList<string> Pages, IReadOnlyList<string>? Colouring = null);

    /// <summary>Cover, title, dedication, a spread per story page, The End, about, back cover.</summary>
    public static int LaidOutPages(int storyPages) => 3 + 2 * storyPages + 2 + 1;

    /// <param name="colouring">Colouring pages instead of blank drawing pages: the book ends with at least a spread of
    /// them (two pages are added when the count needs fewer than two).</param>
    public static int PageCount(int storyPages, bool colouring = false) =>
        LaidOutPages(storyPages) + DrawingPages(storyPages, colouring);

    /// <summary>Drawing (or colouring) pages that bring the book to its even count of at least
    /// <see cref="MinimumPages"/>.</summary>
    public static int DrawingPages(int storyPages, bool colouring = false)
    {
        var pages = LaidOutPages(storyPages);
        var filler = Math.Max(MinimumPages, pages % 2 == 0 ? pages : pages + 1) - pages;
        return colouring && filler < 2 ? filler + 2 : filler;
    }

    public static Task<string> HtmlAsync(
        ComponentHtml html,
        Story story,
        IReadOnlyList<StoryPage> pages,
        Images images,
        BookFormat format
    ) =>
        html.RenderAsync<BookDocument>(
            new Dictionary<string, object?>
            {
                [nameof(BookDocument.Story)] = story,
                [nameof(BookDocument.Pages)] = pages,
                [nameof(BookDocument.Images)] = images,
                [nameof(BookDocument.BookFormat)] = format,
            }
        );

    public static int FontSize(string ageGroup) =>
        ageGroup switch
        {
            "0-3" => 30,
            "3-5" => 24,
            "5-7" => 20,
            _ => 16,
        };

    /// <summary>The words around the story, in the book's language.</summary>
    public sealed record BookWords(
        string StoryFor,
        string StarringLine,
        string Dedication,
        string TheEnd,
        string AboutTitle,
        string AboutLine,
        string DrawPrompt,
        string ColourPrompt,
        string ColouringBook
    );

    public static BookWords Words(string language) =>
        language switch
        {
            "es" => new(
                "Un cuento para {0}",
                "Protagonizado por {0}",
                "Este libro se hizo para {0}. Que cada página te traiga una sonrisa.",
                "Fin",
                "Sobre este libro",
                "Este cuento se escribió para {0}, para edades de {1} años.",
                "¡Dibuja tu parte favorita del cuento!",
                "¡Colorea tu propio cuento!",
                "{0}: libro para colorear"
            ),
            "fr" => new(
                "Une histoire pour {0}",
                "Avec {0}",
                "Ce livre a été créé pour {0}. Que chaque page t'apporte un sourire.",
                "Fin",
                "À propos de ce livre",
                "Cette histoire a été écrite pour {0}, pour les {1} ans.",
                "Dessine ton moment préféré de l'histoire !",
                "Colorie ta propre histoire !",
                "{0} : livre de coloriage"
            ),
            _ => new(
                "A story for {0}",
                "Starring {0}",
                "This book was made for {0}. May every page bring a smile.",
                "The End",
                "About this book",
                "This story was written for {0}, for ages {1}.",
                "Draw your favourite part of the story!",
                "Colour your own story!",
                "{0}: a colouring book"
            ),
        };
}
