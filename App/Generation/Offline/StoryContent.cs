using System.Reflection;

namespace StorybookShop.Generation.Offline;

/// <summary>The offline writer's prose, parsed once from the embedded arcs.txt and themes.txt.</summary>
public static class StoryContent
{
    private static readonly Lazy<(IReadOnlyList<Arc> Arcs, IReadOnlyDictionary<string, Theme> Themes)> Parsed = new(
        Load
    );

    public static IReadOnlyList<Arc> Arcs => Parsed.Value.Arcs;
    public static IReadOnlyDictionary<string, Theme> Themes => Parsed.Value.Themes;
    public static readonly string[] Languages = ["en", "es", "fr"];

    private static (IReadOnlyList<Arc>, IReadOnlyDictionary<string, Theme>) Load() =>
        (ParseArcs(Read("arcs.txt")), ParseThemes(Read("themes.txt")));

    private static string Read(string name)
    {
        using var stream = Assembly
            .GetExecutingAssembly()
            .GetManifestResourceStream($"StorybookShop.Generation.Offline.Content.{name}")
            ?? throw new InvalidOperationException($"Embedded story content {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    internal static IReadOnlyList<Arc> ParseArcs(string text)
    {
        var arcs = new List<Arc>();
        string? id = null;
        Dictionary<string, string> morals = [];
        List<Beat> beats = [];
        Beat? beat = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith('@'))
            {
                Flush();
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                id = line[1..space];
                var parts = line[(space + 1)..].Split(" | ");
                morals = Languages.Zip(parts).ToDictionary(p => p.First, p => p.Second.Trim());
                beats = [];
            }
            else if (line.StartsWith("# ", StringComparison.Ordinal) && id is not null && char.IsDigit(line[2]))
            {
                var h = line[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                beat = new Beat(
                    int.Parse(h[0]),
                    int.Parse(h[1][1..]),
                    h[2],
                    h[3],
                    h[4].Split(','),
                    h[5] == "-" ? null : h[5],
                    h[6],
                    h.Length > 7 && h[7] == "moral",
                    new Dictionary<string, string[]>()
                );
                beats.Add(beat);
            }
            else if (beat is not null && line.Length > 3 && line[2] == ':' && Languages.Contains(line[..2]))
            {
                var sentences = line[3..].Split(" | ").Select(s => s.Trim()).ToArray();
                if (sentences.Length != 3)
                    throw new FormatException($"Arc {id} beat {beat.Number} {line[..2]}: expected core | more | rich.");
                ((Dictionary<string, string[]>)beat.Lines)[line[..2]] = sentences;
            }
        }
        Flush();
        return arcs;

        void Flush()
        {
            if (id is null)
                return;
            foreach (var b in beats)
            foreach (var lang in Languages)
                if (!b.Lines.ContainsKey(lang))
                    throw new FormatException($"Arc {id} beat {b.Number} has no {lang} text.");
            arcs.Add(new Arc(id, morals, beats));
            id = null;
        }
    }

    internal static IReadOnlyDictionary<string, Theme> ParseThemes(string text)
    {
        var themes = new Dictionary<string, Theme>();
        Theme? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith('@'))
            {
                var parts = line[1..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var attrs = parts.Skip(1).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
                var companion = attrs["companion"].Split(':');
                current = new Theme(
                    parts[0],
                    attrs["settings"].Split(','),
                    companion[0],
                    companion[1],
                    attrs["palette"].Split(','),
                    Languages.ToDictionary(
                        l => l,
                        _ => (IReadOnlyDictionary<string, string[]>)new Dictionary<string, string[]>()
                    ),
                    new Dictionary<string, string[]>()
                );
                themes.Add(current.Id, current);
            }
            else if (current is not null && line.Length > 3 && Languages.Contains(line[..2]) && line[2] == ' ')
            {
                var eq = line.IndexOf(" = ", StringComparison.Ordinal);
                var key = line[3..eq].Trim();
                var values = line[(eq + 3)..].Split(key == "texture" ? " | " : " ; ").Select(v => v.Trim()).ToArray();
                if (key == "texture")
                    ((Dictionary<string, string[]>)current.Textures)[line[..2]] = values;
                else
                    ((Dictionary<string, string[]>)current.Words[line[..2]])[key] = values;
            }
        }
        return themes;
    }
}
