namespace StorybookShop.Catalog;

/// <summary>The choices a shopper has when personalizing a book.</summary>
public static class StoryCatalog
{
    public static readonly IReadOnlyList<AgeBand> AgeBands =
    [
        // Detail: 0 = core sentence, 1 = + follow-up, 2 = + rich description, 3 = + scenery.
        new("0-3", 15, 8, 0, 1.5),
        new("3-5", 35, 10, 1, 2.5),
        new("5-7", 50, 12, 2, 3.5),
        new("7-9", 110, 12, 3, 5.0),
    ];

    public static readonly IReadOnlyDictionary<string, string> Languages = new Dictionary<string, string>
    {
        ["en"] = "English",
        ["es"] = "Español",
        ["fr"] = "Français",
    };

    public static readonly IReadOnlyList<string> Genres = ["adventure", "space", "ocean", "dinosaurs", "fairytale"];

    public static readonly IReadOnlyList<CompanionKind> CompanionKinds =
    [
        new("dog", "a playful puppy", "un perrito juguetón", "un petit chiot joueur"),
        new("cat", "a curious kitten", "un gatito curioso", "un chaton curieux"),
        new("rabbit", "a bouncy bunny", "un conejito saltarín", "un lapin sauteur"),
        new("bear", "a cuddly bear cub", "un osito achuchable", "un ourson câlin"),
        new(
            "dragon",
            "a little dragon who sneezed sparks",
            "un dragoncito que estornudaba chispas",
            "un petit dragon qui éternuait des étincelles"
        ),
        new(
            "robot",
            "a friendly robot with a blinking light",
            "un robot simpático con una luz que parpadeaba",
            "un robot gentil avec une lumière qui clignotait"
        ),
        new("dolphin", "a cheerful dolphin", "un delfín alegre", "un dauphin joyeux"),
        new("owl", "a clever little owl", "un búho pequeño y listo", "un petit hibou malin"),
        new("dinosaur", "a friendly young dinosaur", "un dinosaurio joven y simpático", "un jeune dinosaure gentil"),
    ];

    /// <summary>A theme's English name: the key of its translations (<see cref="Catalog.ShopperText"/>).</summary>
    public static string GenreName(string id) =>
        id == "fairytale" ? "Fairy tale" : char.ToUpperInvariant(id[0]) + id[1..];

    public static AgeBand Band(string id) => AgeBands.First(b => b.Id == id);

    public static CompanionKind? Kind(string id) => CompanionKinds.FirstOrDefault(k => k.Id == id);

    public static string KindPhrase(CompanionKind kind, string language) =>
        language switch
        {
            "es" => kind.Es,
            "fr" => kind.Fr,
            _ => kind.En,
        };
}
