namespace StorybookShop.Catalog;

/// <summary>Names joined as the book's language joins them: "Mia", "Mia and Coco", "Mia, Coco and Pip"; Spanish
/// "y" turns to "e" before an /i/ sound ("Coco e Isabel"), French "et".</summary>
public static class NameList
{
    public static string Join(string language, IReadOnlyList<string> names) =>
        names.Count switch
        {
            0 => "",
            1 => names[0],
            _ => string.Join(", ", names.Take(names.Count - 1)) + $" {And(language, names[^1])} " + names[^1],
        };

    private static string And(string language, string next) =>
        language switch
        {
            "es" => StartsWithISound(next) ? "e" : "y",
            "fr" => "et",
            _ => "and",
        };

    /// <summary>"Isabel", "Íñigo", "Hilda" take "e"; "Hierro" (a /j/ sound) and "Yolanda" keep "y".</summary>
    private static bool StartsWithISound(string word)
    {
        var w = word.ToLowerInvariant();
        return w.StartsWith('i')
            || w.StartsWith('í')
            || (
                w.StartsWith("hi", StringComparison.Ordinal)
                && !w.StartsWith("hie", StringComparison.Ordinal)
                && !w.StartsWith("hia", StringComparison.Ordinal)
            );
    }
}
