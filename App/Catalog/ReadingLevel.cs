using System.Text.RegularExpressions;

namespace StorybookShop.Catalog;

/// <summary>Word counts and the Flesch–Kincaid grade (English only): 0.39·(words/sentences)
/// + 11.8·(syllables/words) − 15.59.</summary>
public static partial class ReadingLevel
{
    public static int Words(string text) => WordPattern().Count(text);

    public static double FleschKincaidGrade(string text)
    {
        var words = WordPattern().Matches(text).Select(m => m.Value).ToList();
        if (words.Count == 0)
            return 0;
        var sentences = Math.Max(1, SentencePattern().Count(text));
        var syllables = words.Sum(Syllables);
        return 0.39 * words.Count / sentences + 11.8 * syllables / words.Count - 15.59;
    }

    /// <summary>Vowel groups, less a silent final e, at least one: the usual heuristic.</summary>
    public static int Syllables(string word)
    {
        var w = word.ToLowerInvariant().Trim('\'');
        if (w.Length <= 3)
            return 1;
        if (w.EndsWith("es", StringComparison.Ordinal) || w.EndsWith("ed", StringComparison.Ordinal))
            w = w[..^2];
        else if (w.EndsWith('e') && !w.EndsWith("le", StringComparison.Ordinal))
            w = w[..^1];
        return Math.Max(1, VowelGroups().Count(w));
    }

    [GeneratedRegex(@"\p{L}+(?:'\p{L}+)?")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"[.!?]+(?=\s|$|[""»])")]
    private static partial Regex SentencePattern();

    [GeneratedRegex("[aeiouy]+")]
    private static partial Regex VowelGroups();
}
