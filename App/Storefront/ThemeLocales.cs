using System.Collections.Frozen;
using System.Text.Json;

namespace StorybookShop.Storefront;

/// <summary>
/// The theme block's own translations (<c>extensions/storybook-personalizer/locales/*.json</c>, shipped with the app),
/// so that the standalone personalize page says exactly what the block says, in the same languages, from one source.
/// Keys are flattened the way Liquid's <c>t</c> filter names them: <c>storybook.form.child_name</c>.
/// </summary>
public sealed class ThemeLocales
{
    /// <summary>The strings the block's script reads from the page (the block writes the same keys in
    /// Liquid).</summary>
    public const string ScriptPrefix = "storybook.script.";

    private readonly FrozenDictionary<string, FrozenDictionary<string, string>> _languages;

    public ThemeLocales()
        : this(Path.Combine(AppContext.BaseDirectory, "storefront", "locales")) { }

    public ThemeLocales(string folder)
    {
        var files = Directory
            .GetFiles(folder, "*.json")
            .Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal));
        var english = Load(Path.Combine(folder, "en.default.json"));
        _languages = files.ToFrozenDictionary(
            f => Path.GetFileName(f).Split('.')[0],
            f =>
            {
                // A key a translation lacks is shown in English (theme-check keeps the files matched; this is the net).
                var own = Load(f);
                return english.Keys.ToFrozenDictionary(k => k, k => own.GetValueOrDefault(k) ?? english[k]);
            }
        );
    }

    /// <summary>Every key in the language, or in English when the block has no translation for it.</summary>
    public IReadOnlyDictionary<string, string> For(string language) =>
        _languages.GetValueOrDefault(language) ?? _languages[ShopperLanguage.Default];

    /// <summary>The script's strings, as the object the block writes into its JSON script tag.</summary>
    public string ScriptJson(string language) =>
        JsonSerializer.Serialize(
            For(language)
                .Where(p => p.Key.StartsWith(ScriptPrefix, StringComparison.Ordinal))
                .ToDictionary(p => p.Key[ScriptPrefix.Length..], p => p.Value)
        );

    private static Dictionary<string, string> Load(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        Flatten(doc.RootElement, "", flat);
        return flat;
    }

    private static void Flatten(JsonElement e, string prefix, Dictionary<string, string> into)
    {
        if (e.ValueKind == JsonValueKind.Object)
            foreach (var p in e.EnumerateObject())
                Flatten(p.Value, prefix.Length == 0 ? p.Name : $"{prefix}.{p.Name}", into);
        else
            into[prefix] = e.GetString() ?? "";
    }
}
