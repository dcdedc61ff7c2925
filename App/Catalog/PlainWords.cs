using System.Globalization;
using System.Text;

namespace StorybookShop.Catalog;

/// <summary>A text's words for matching: lower case, accents removed, split on everything that is not a letter
/// ("¡Pégale!" → "pegale", "self-harm" → "self", "harm").</summary>
public static class PlainWords
{
    public static string[] Of(string text)
    {
        var plain = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
                plain.Append(char.IsLetter(c) ? char.ToLowerInvariant(c) : ' ');
        return plain.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }
}
