using System.Text.RegularExpressions;

namespace StorybookShop.Stories;

/// <summary>
/// Shopper text is data that ends up in a model's prompt. Obvious attempts to talk to the model instead
/// ("ignore the instructions above", "you are now…", role tags) are refused before anything is stored.
/// </summary>
public static partial class PromptSafety
{
    public static bool LooksLikeInstructions(string? text) => text is not null && Instructions().IsMatch(text);

    [GeneratedRegex(
        @"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|rules|prompt|above|previous)\b|"
            + @"\bsystem\s*prompt\b|\byou\s+are\s+now\b|\bact\s+as\b|<\s*/?\s*(system|assistant|user)\s*>|```|"
            + @"\b(ignora|olvida)\b.{0,40}\binstrucciones\b|\b(ignore[zr]?|"
            + @"oublie[zr]?)\b.{0,40}\binstructions\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
    )]
    private static partial Regex Instructions();
}
