namespace StorybookShop.Catalog;

/// <summary>
/// Which of the book languages a short text (a moral) is written in, from words only one of them uses ("the",
/// "siempre", "toujours"); null when it cannot tell. Enough for a sentence; not a general language detector.
/// </summary>
public static class LanguageGuess
{
    private static readonly Dictionary<string, HashSet<string>> Markers = new()
    {
        ["en"] =
        [
            "the",
            "and",
            "is",
            "are",
            "to",
            "you",
            "your",
            "be",
            "of",
            "it",
            "always",
            "never",
            "with",
            "friends",
            "kind",
            "help",
            "others",
            "share",
            "we",
            "our",
            "can",
            "when",
            "what",
            "good",
            "brave",
            "that",
            "this",
            "everyone",
            "people",
            "sister",
            "brother",
            "fun",
            "learn",
            "important",
            "makes",
            "should",
        ],
        ["es"] =
        [
            "el",
            "los",
            "las",
            "son",
            "y",
            "con",
            "tus",
            "siempre",
            "nunca",
            "ser",
            "amigos",
            "ayudar",
            "compartir",
            "bueno",
            "buena",
            "amable",
            "una",
            "hay",
            "del",
            "al",
            "para",
            "por",
            "lo",
            "muy",
            "cuando",
            "todos",
            "otros",
            "hermano",
            "hermana",
            "importante",
            "valiente",
            "esta",
            "hace",
            "debes",
            "se",
        ],
        ["fr"] =
        [
            "le",
            "les",
            "est",
            "et",
            "des",
            "avec",
            "ton",
            "tes",
            "toujours",
            "jamais",
            "etre",
            "amis",
            "aider",
            "partager",
            "gentil",
            "gentille",
            "une",
            "il",
            "elle",
            "faut",
            "du",
            "au",
            "pour",
            "sont",
            "tous",
            "autres",
            "frere",
            "soeur",
            "tres",
            "quand",
            "ne",
            "pas",
            "nous",
            "vous",
            "courageux",
            "rend",
            "dois",
        ],
    };

    public static string? Of(string text)
    {
        var words = PlainWords.Of(text);
        var scores = Markers
            .Select(m => (Language: m.Key, Score: words.Count(m.Value.Contains)))
            .OrderByDescending(s => s.Score)
            .ToList();
        return scores[0].Score > 0 && scores[0].Score > scores[1].Score ? scores[0].Language : null;
    }
}
