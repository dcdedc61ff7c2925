using System.Text;
using System.Text.RegularExpressions;
using StorybookShop.Catalog;
using StorybookShop.Data;
using StorybookShop.Stories;

namespace StorybookShop.Generation.Offline;

/// <summary>
/// Writes a real story without AI: one of three arcs (a treasure quest, a rescue, a brave night) told in
/// the theme's places and creatures, with the child's name, their companion, the age band's page count
/// and amount of text, and the moral woven into the turning point.
/// </summary>
public sealed partial class OfflineStoryWriter(TimeProvider clock) : IStoryWriter
{
    public string Provider => Providers.Offline;
    public bool AcceptsCorrections => false;

    public async Task<ProviderResult<StoryPlan>> WriteAsync(StoryBrief brief, string? correction, CancellationToken ct)
    {
        await Task.Yield();
        var started = clock.GetTimestamp();
        var plan = Write(brief);
        return new ProviderResult<StoryPlan>(
            plan,
            ArcOf(brief) is { } chosen ? $"offline-arcs-v1/{chosen.Id}" : "offline-arcs-v1",
            0m,
            new { pages = plan.Pages.Count, elapsedMs = clock.GetElapsedTime(started).TotalMilliseconds }
        );
    }

    /// <summary>The arc an experiment arm (or the shop) asked for as the offline writer's "model"; null = the one the
    /// story id picks.</summary>
    public static Arc? ArcOf(StoryBrief brief) => StoryContent.Arcs.FirstOrDefault(a => a.Id == brief.TextModel);

    /// <summary>The arcs, which an offline experiment compares (quest, rescue, courage).</summary>
    public static IReadOnlyList<string> ArcIds => [.. StoryContent.Arcs.Select(a => a.Id)];

    public static StoryPlan Write(StoryBrief brief)
    {
        var theme = StoryContent.Themes[brief.Genre];
        var band = StoryCatalog.Band(brief.AgeGroup);
        var lang = brief.Language;
        var seed = Math.Abs(BitConverter.ToInt32(brief.StoryId.ToByteArray(), 0) % 9973);
        var arc = ArcOf(brief) ?? StoryContent.Arcs[seed % StoryContent.Arcs.Count];
        var companions =
            brief.Companions.Count > 0 ? brief.Companions : [new Companion(theme.CompanionName, theme.CompanionKind)];
        var companion = companions[0];

        var slots = Slots(brief, theme, companion, lang);
        var english = Slots(brief, theme, companion, "en");
        var moral = string.IsNullOrWhiteSpace(brief.Moral) ? arc.DefaultMoral[lang] : Sentence(brief.Moral);
        var maxLevel = band.Pages switch
        {
            <= 8 => 0,
            <= 10 => 1,
            _ => 2,
        };
        var textures = new Queue<string>(
            theme.Textures[lang].OrderBy(t => (t.GetHashCode(StringComparison.Ordinal) ^ seed) & 0xffff).ToList()
        );

        var draft = new Draft(brief, theme, band, lang, companions, slots, english, moral, textures);
        var pages = arc.Beats.Where(b => b.Level <= maxLevel).Select((beat, i) => Page(draft, beat, i == 0)).ToList();
        var characters = Characters(brief, companions, arc, english);
        var settings = new[] { "place1", "place2", "place3" }.Select(p => english[$"the_{p}"]).ToList();
        var title = Title(lang, Titles[arc.Id][lang], slots);
        var description = Fill(Descriptions[lang].Replace("{age}", brief.AgeGroup, StringComparison.Ordinal), slots);
        var style =
            $"Soft, warm children's picture-book illustration, gentle watercolour textures, rounded friendly shapes, "
            + $"palette {string.Join(", ", theme.Palette)}; no text in the picture.";
        return new StoryPlan(title, description, moral, characters, settings, pages, style);
    }

    /// <summary>What one story is written from: the brief, its theme and age band, the filled-in words.</summary>
    private sealed record Draft(
        StoryBrief Brief,
        Theme Theme,
        AgeBand Band,
        string Lang,
        IReadOnlyList<Companion> Companions,
        Dictionary<string, string> Slots,
        Dictionary<string, string> English,
        string Moral,
        Queue<string> Textures
    );

    /// <summary>One beat of the arc as a page: its text at the band's detail, the picture's prompt and scene.</summary>
    private static PlannedPage Page(Draft d, Beat beat, bool first)
    {
        var (brief, theme, band, lang, slots, english) = (d.Brief, d.Theme, d.Band, d.Lang, d.Slots, d.English);
        var lines = beat.Lines[lang];
        var text = new StringBuilder(Fill(lines[0], slots));
        if (first && d.Companions.Count > 1)
            text.Append(' ').Append(Fill(AlsoCame(lang, d.Companions.Skip(1).Select(c => c.Name).ToList()), slots));
        if (beat.Moral)
            text.Append(' ').Append(Fill(MoralLine(lang), slots)).Append(' ').Append(d.Moral);
        if (band.Detail >= 1)
            text.Append(' ').Append(Fill(lines[1], slots));
        if (band.Detail >= 2)
            text.Append(' ').Append(Fill(lines[2], slots));
        if (band.Detail >= 3 && beat.Setting != "home" && Texture(d, beat.Cast.Contains("companion")) is { } texture)
            text.Append(' ').Append(Fill(texture, slots));

        var setting = beat.Setting == "home" ? "home" : theme.Settings[beat.Setting[^1] - '1'];
        // Every companion goes where "the companion" goes: the ones the text names are in the picture.
        var cast = beat
            .Cast.SelectMany(c =>
                c switch
                {
                    "child" => [brief.ChildName],
                    "companion" => d.Companions.Select(x => x.Name),
                    _ => new[] { c },
                }
            )
            .ToList();
        var placeName = beat.Setting == "home" ? "a cosy little house with a red door" : english[$"the_{beat.Setting}"];
        var prompt =
            $"{Fill(beat.Lines["en"][0], english)} Setting: {placeName}, {beat.Time}. Mood: {beat.Mood}."
            + (beat.Prop is null ? "" : $" Show the {PropWords(beat.Prop, english)}.");
        return new PlannedPage(
            Capitalize(text.ToString()),
            prompt,
            new Scene(setting, beat.Time, cast, beat.Prop, beat.Mood)
        );
    }

    /// <summary>The next texture sentence; on a page the companion is not on, the next one that does not name
    /// it.</summary>
    private static string? Texture(Draft d, bool companionThere)
    {
        var texture = d.Textures.FirstOrDefault(t => companionThere || !t.Contains("{comp}", StringComparison.Ordinal));
        if (texture is null)
            return null;
        var rest = d.Textures.Where(t => !ReferenceEquals(t, texture)).ToList();
        d.Textures.Clear();
        rest.ForEach(d.Textures.Enqueue);
        return texture;
    }

    /// <summary>The child, each companion, and the arc's creature and helper when it has them.</summary>
    private static List<Character> Characters(
        StoryBrief brief,
        IReadOnlyList<Companion> companions,
        Arc arc,
        Dictionary<string, string> english
    )
    {
        var characters = new List<Character>
        {
            new(brief.ChildName, "hero", ChildLook.For(brief.ChildName).Description, "child"),
        };
        characters.AddRange(
            companions.Select(c =>
            {
                var colour = ChildLook.CompanionColour(c.Kind, c.Name);
                var k = StoryCatalog.Kind(c.Kind);
                return new Character(
                    c.Name,
                    "companion",
                    $"{(k is null ? "a friendly animal" : k.En)}, {colour.Word} all over, with big kind eyes",
                    c.Kind
                );
            })
        );
        if (arc.Beats.Any(b => b.Cast.Contains("creature")))
            characters.Add(
                new Character(
                    english["the_creature"],
                    "friend",
                    english["a_creature"] + ", small, round-eyed and soft",
                    "creature"
                )
            );
        if (arc.Beats.Any(b => b.Cast.Contains("helper")))
            characters.Add(new Character("helper", "helper", english["a_helper"], "helper"));

        return characters;
    }

    private static Dictionary<string, string> Slots(StoryBrief brief, Theme theme, Companion companion, string lang)
    {
        var w = theme.Words[lang];
        var kind = StoryCatalog.Kind(companion.Kind);
        var s = new Dictionary<string, string>
        {
            ["Name"] = brief.ChildName,
            ["comp"] = companion.Name,
            ["a_comp_kind"] = kind is null ? companion.Kind : StoryCatalog.KindPhrase(kind, lang),
            ["sound"] = w["sound"][0],
            ["fear_truth"] = w["fear_truth"][0],
            ["a_helper"] = w["helper"][0],
            ["the_fear"] = w["fear"][0],
            ["to_fear"] = w["fear"][1],
            ["an_obstacle"] = w["obstacle"][0],
            ["the_obstacle"] = w["obstacle"][1],
            ["a_treasure"] = w["treasure"][0],
            ["the_treasure"] = w["treasure"][1],
            ["a_creature"] = w["creature"][0],
            ["the_creature"] = w["creature"][1],
        };
        for (var i = 1; i <= 3; i++)
        {
            var place = w[$"place{i}"];
            s[$"the_place{i}"] = place[0];
            s[$"to_place{i}"] = place[1];
            s[$"in_place{i}"] = place[2];
            s[$"in_place{i}_cap"] = Capitalize(place[2]);
        }
        return s;
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> slots) =>
        SlotPattern()
            .Replace(template, m =>
                slots.TryGetValue(m.Groups[1].Value, out var v)
                    ? v
                    : throw new FormatException($"Unknown slot {m.Value} in \"{template}\".")
            );

    private static string MoralLine(string lang) =>
        lang switch
        {
            "es" => "Y {Name} aprendió algo importante:",
            "fr" => "Et {Name} comprit une chose importante :",
            _ => "And {Name} learned something important:",
        };

    /// <summary>The companions after the first, joined with the verb agreeing: "Pip también se unía", "Pip y Bolt
    /// también se unían".</summary>
    internal static string AlsoCame(string lang, IReadOnlyList<string> names)
    {
        var list = NameList.Join(lang, names);
        var one = names.Count == 1;
        return lang switch
        {
            "es" => $"A menudo, {list} también se {(one ? "unía" : "unían")} a sus juegos.",
            "fr" => $"Souvent, {list} se {(one ? "joignait" : "joignaient")} aussi à leurs jeux.",
            _ => $"Often, {list} came along to play too.",
        };
    }

    private static string PropWords(string prop, IReadOnlyDictionary<string, string> en) =>
        prop switch
        {
            "treasure" => en["the_treasure"].Replace("the ", "", StringComparison.Ordinal),
            "obstacle" => en["the_obstacle"].Replace("the ", "", StringComparison.Ordinal),
            "light" => "small glowing lantern",
            "gift" => "shiny pebble",
            "map" => "old treasure map",
            "ball" => "bouncing ball",
            _ => prop,
        };

    /// <summary>Each title names the child and something only this theme's book has (its treasure, creature or
    /// feared place), so two books of one arc are told apart.</summary>
    private static readonly Dictionary<string, Dictionary<string, string>> Titles = new()
    {
        ["quest"] = new()
        {
            ["en"] = "{Name} and the Hunt for {the_treasure}",
            ["es"] = "{Name} y la búsqueda de {the_treasure}",
            ["fr"] = "{Name} et la quête de {the_treasure}",
        },
        ["rescue"] = new()
        {
            ["en"] = "{Name} to the Rescue of {the_creature}",
            ["es"] = "{Name} al rescate de {the_creature}",
            ["fr"] = "{Name} à la rescousse de {the_creature}",
        },
        ["courage"] = new()
        {
            ["en"] = "{Name} and the Brave Little Light of {the_fear}",
            ["es"] = "{Name} y la pequeña luz valiente de {the_fear}",
            ["fr"] = "{Name} et la petite lumière courageuse de {the_fear}",
        },
    };

    /// <summary>A title as the language writes one: "de el" → "del", "de le" → "du"; English nouns in title case
    /// (the child's name as written; the slots are never the title's first word).</summary>
    internal static string Title(string lang, string template, IReadOnlyDictionary<string, string> slots) =>
        lang switch
        {
            "es" => Fill(template, slots).Replace(" de el ", " del ", StringComparison.Ordinal),
            "fr" => Fill(template, slots)
                .Replace(" de le ", " du ", StringComparison.Ordinal)
                .Replace(" de les ", " des ", StringComparison.Ordinal),
            _ => Fill(template, slots.ToDictionary(x => x.Key, x => x.Key == "Name" ? x.Value : TitleCase(x.Value))),
        };

    private static string TitleCase(string words) =>
        string.Join(
            ' ',
            words
                .Split(' ')
                .Select((w, i) => SmallWords.Contains(w) || w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..])
        );

    private static readonly HashSet<string> SmallWords = ["a", "an", "the", "and", "of", "to", "for", "in", "on", "at"];

    private static readonly Dictionary<string, string> Descriptions = new()
    {
        ["en"] =
            "A personalized picture book for ages {age}: {Name} and {comp} set off on an adventure to {the_place3}.",
        ["es"] =
            "Un libro ilustrado personalizado para edades de {age} años: {Name} y {comp} viven una aventura hasta "
            + "{the_place3}.",
        ["fr"] =
            "Un album illustré personnalisé pour les {age} ans : {Name} et {comp} partent à l'aventure jusqu'à "
            + "{the_place3}.",
    };

    /// <summary>Cleans a shopper's moral into one sentence: trimmed, capitalized, ending with a full stop.</summary>
    public static string Sentence(string text)
    {
        var t = WhiteSpace().Replace(text.Trim(), " ");
        t = Capitalize(t);
        return t.Length > 0 && ".!?".Contains(t[^1], StringComparison.Ordinal) ? t : t + ".";
    }

    /// <summary>Upper-cases the first letter of every sentence, past opening quotes and dashes (not the narrator's
    /// aside after a spoken "!" or "?").</summary>
    public static string Capitalize(string text)
    {
        var chars = text.ToCharArray();
        var start = true;
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (char.IsLetter(c))
            {
                if (start)
                    chars[i] = char.ToUpperInvariant(c);
                start = false;
            }
            else if (c is '.' or '!' or '?')
            {
                start = i + 1 < chars.Length && chars[i + 1] == ' ';
            }
            else if (c == '—' && i >= 2 && chars[i - 1] == ' ' && chars[i - 2] is '!' or '?')
            {
                // "—¡Vamos! —dijo": a dash after a spoken exclamation or question opens the narrator's aside,
                // which goes on in lower case.
                start = false;
            }
            else if (!(c is ' ' or '"' or '«' or '—' or '¡' or '¿' or '\u00a0'))
                start = false;
        }
        return new string(chars);
    }

    [GeneratedRegex(@"\{([a-zA-Z0-9_]+)\}")]
    private static partial Regex SlotPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
