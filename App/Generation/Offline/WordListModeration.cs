using System.Reflection;
using StorybookShop.Catalog;

namespace StorybookShop.Generation.Offline;

/// <summary>
/// The moderator that needs no key (Generation:ModerationProvider = offline, the default): word lists in English,
/// Spanish and French (Content/moderation.txt) for violence, sexual content, hate, self-harm and drugs. Word lists and
/// not a local classifier: the texts it reads are a name, a few companions and a one-line moral, too short for a
/// small model to judge better than a list a person can read and extend, and a list answers in microseconds with
/// nothing to load. It cannot read negation — "hitting is never okay" is refused like "hitting is fun" — so the
/// shopper is asked to say what to do instead; a model (openai) reads meaning.
/// </summary>
public sealed class WordListModeration : IContentModerator
{
    private sealed record Entry(string Category, string[] Words, bool Prefix);

    private static readonly Lazy<IReadOnlyList<Entry>> Entries = new(() => Parse(Read()));

    public bool ScreensStories => false;

    /// <summary>The categories the lists cover, by OpenAI's names (the names a shop's thresholds use).</summary>
    public static IReadOnlyCollection<string> Categories => [.. Entries.Value.Select(e => e.Category).Distinct()];

    public Task<IReadOnlyList<bool>> FlaggedAsync(
        IReadOnlyList<string> texts,
        IReadOnlyDictionary<string, double>? thresholds,
        CancellationToken ct
    ) => Task.FromResult<IReadOnlyList<bool>>([.. texts.Select(t => CategoriesIn(t).Count > 0)]);

    /// <summary>The categories a text falls in. A list has no scores: a shop's thresholds (OpenAI's scores) do not
    /// apply, every match is refused.</summary>
    public static IReadOnlySet<string> CategoriesIn(string text)
    {
        var words = PlainWords.Of(text);
        var found = new HashSet<string>();
        for (var i = 0; i < words.Length; i++)
            foreach (var entry in Entries.Value)
                if (!found.Contains(entry.Category) && Matches(entry, words, i))
                    found.Add(entry.Category);
        return found;
    }

    private static bool Matches(Entry entry, string[] words, int at)
    {
        if (at + entry.Words.Length > words.Length)
            return false;
        var last = entry.Words.Length - 1;
        for (var k = 0; k < last; k++)
            if (words[at + k] != entry.Words[k])
                return false;
        return entry.Prefix
            ? words[at + last].StartsWith(entry.Words[last], StringComparison.Ordinal)
            : words[at + last] == entry.Words[last];
    }

    private static List<Entry> Parse(string text)
    {
        var entries = new List<Entry>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var category = line[..colon].Split(' ')[0];
            foreach (var item in line[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries))
            {
                var prefix = item.EndsWith('*');
                entries.Add(new Entry(category, PlainWords.Of(item.TrimEnd('*')), prefix));
            }
        }
        return entries;
    }

    private static string Read()
    {
        using var stream = Assembly
            .GetExecutingAssembly()
            .GetManifestResourceStream("StorybookShop.Generation.Offline.Content.moderation.txt")
            ?? throw new InvalidOperationException("Embedded moderation.txt is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
