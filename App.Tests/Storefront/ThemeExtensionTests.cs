using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using StorybookShop.Catalog;
using StorybookShop.Storefront;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Storefront;

/// <summary>
/// The theme app extension: Shopify's theme-check finds nothing wrong with it (and does find a broken copy's faults);
/// every word a shopper reads goes through a locale key; the script's strings are the same object from the block and
/// from the standalone page.
/// </summary>
public sealed partial class ThemeExtensionTests
{
    private static readonly string Extension = ShopifyKit.Repo("extensions/storybook-personalizer");

    private static async Task<(int Exit, JsonElement Report)> ThemeCheckAsync(string extension)
    {
        var script = ShopifyKit.Repo("scripts/theme-check.cjs");
        Assert.That(
            Directory.Exists(ShopifyKit.Repo(".tools/node_modules/@shopify/theme-check-node")),
            Is.True,
            "theme-check is installed by scripts/test.sh (npm @shopify/theme-check-node into .tools)"
        );
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(extension);
        using var node = Process.Start(psi)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.That(node.ExitCode, Is.Not.EqualTo(2), await errors);
        return (node.ExitCode, JsonDocument.Parse(await output).RootElement.Clone());
    }

    [Test]
    public async Task Theme_check_reports_no_offense_on_the_extension()
    {
        var (exit, report) = await ThemeCheckAsync(Extension);
        Assert.That(report.GetProperty("files").GetInt32(), Is.EqualTo(7), "the block and its six locale files");
        Assert.That(report.GetProperty("offenses").GetArrayLength(), Is.Zero, report.ToString());
        Assert.That(exit, Is.Zero);
    }

    [Test]
    public async Task Theme_check_catches_a_missing_translation_and_an_unknown_key()
    {
        var copy = Directory.CreateTempSubdirectory("extension-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(Extension, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(copy, Path.GetRelativePath(Extension, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            var spanish = Path.Combine(copy, "locales", "es.json");
            File.WriteAllText(
                spanish,
                File.ReadAllText(spanish).Replace("\"theme\": \"Tema\",", "", StringComparison.Ordinal)
            );
            var block = Path.Combine(copy, "blocks", "personalize.liquid");
            File.WriteAllText(
                block,
                File.ReadAllText(block)
                    .Replace("'storybook.form.age'", "'storybook.form.ages'", StringComparison.Ordinal)
            );

            var (exit, report) = await ThemeCheckAsync(copy);
            var found = report
                .GetProperty("offenses")
                .EnumerateArray()
                .Select(o => $"{o.GetProperty("check").GetString()} {o.GetProperty("message").GetString()}")
                .ToList();
            Assert.That(found, Has.Some.Contains("MatchingTranslations").And.Contains("storybook.form.theme"));
            Assert.That(found, Has.Some.Contains("TranslationKeyExists").And.Contains("storybook.form.ages"));
            Assert.That(exit, Is.EqualTo(1));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static string Markup()
    {
        var liquid = File.ReadAllText(Path.Combine(Extension, "blocks", "personalize.liquid"));
        liquid = CommentTag().Replace(liquid, "");
        return liquid[..liquid.IndexOf("{% schema %}", StringComparison.Ordinal)];
    }

    [Test]
    public void Every_word_the_block_shows_comes_from_a_locale_key()
    {
        // Text between tags and the attributes a shopper reads (placeholder, aria-label, title, alt): no letters
        // outside Liquid output (the script's JSON strings are checked below).
        var markup = ScriptStrings().Replace(Markup(), "");
        var text = TextNode()
            .Matches(markup)
            .Select(m => m.Groups[1].Value)
            .Concat(ReadAttribute().Matches(markup).Select(m => m.Groups[1].Value))
            .Select(t => LiquidOutput().Replace(t, ""))
            .Where(t => t.Any(char.IsLetter))
            .ToList();
        Assert.That(text, Is.Empty);
        Assert.That(
            markup,
            Does.Contain("placeholder=\"{{ 'storybook.form.companion_name' | t }}\""),
            "the scan sees attributes"
        );
    }

    [Test]
    public void The_script_gets_the_same_strings_from_the_block_and_from_the_standalone_page()
    {
        var tag = ScriptStrings().Match(Markup());
        Assert.That(tag.Success, Is.True);
        var keysInBlock = BlockKey()
            .Matches(tag.Groups[1].Value)
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value))
            .ToList();
        Assert.That(
            keysInBlock,
            Has.All.Matches<(string Name, string Key)>(k => k.Key == "storybook.script." + k.Name),
            "each JSON name is its locale key's last part"
        );

        var locales = new ThemeLocales(Path.Combine(Extension, "locales"));
        foreach (var language in new[] { "en", "es", "fr" })
        {
            using var page = JsonDocument.Parse(locales.ScriptJson(language));
            Assert.That(
                page.RootElement.EnumerateObject().Select(p => p.Name),
                Is.EquivalentTo(keysInBlock.Select(k => k.Item1)),
                language
            );
        }
        using var spanish = JsonDocument.Parse(locales.ScriptJson("es"));
        Assert.That(spanish.RootElement.GetProperty("writing").GetString(), Is.EqualTo("Escribiendo el cuento…"));
        Assert.That(locales.For("de")["storybook.form.submit"], Is.EqualTo("Write my story"), "unknown → English");
    }

    [Test]
    public void The_app_has_the_same_messages_in_every_language_it_speaks()
    {
        var folder = ShopifyKit.Repo("App/Resources/Catalog");
        HashSet<string> Keys(string language) =>
            XDocument
                .Load(Path.Combine(folder, $"ShopperText.{language}.resx"))
                .Root!.Elements("data")
                .Select(d => (string)d.Attribute("name")!)
                .ToHashSet();
        var spanish = Keys("es");
        Assert.That(Keys("fr"), Is.EquivalentTo(spanish));
        // Every message the app looks up has a translation (keys are the English text, found in the code).
        var used = Directory
            .GetFiles(ShopifyKit.Repo("App"), "*.*", SearchOption.AllDirectories)
            .Where(f =>
                (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
                && !f.Contains("/obj/", StringComparison.Ordinal)
                && !f.Contains("/bin/", StringComparison.Ordinal)
            )
            .SelectMany(f => LocalizerKey().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet();
        Assert.That(used, Has.Count.GreaterThan(25));
        Assert.That(used.Except(spanish), Is.Empty);
    }

    [GeneratedRegex(@"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", RegexOptions.Singleline)]
    private static partial Regex CommentTag();

    [GeneratedRegex(@">([^<]+)<")]
    private static partial Regex TextNode();

    [GeneratedRegex(@"(?:placeholder|aria-label|title|alt)=""([^""]*)""")]
    private static partial Regex ReadAttribute();

    [GeneratedRegex(@"\{\{.*?\}\}|\{%.*?%\}", RegexOptions.Singleline)]
    private static partial Regex LiquidOutput();

    [GeneratedRegex(
        @"<script type=""application/json"" class=""storybook-strings"">(.*?)</script>",
        RegexOptions.Singleline
    )]
    private static partial Regex ScriptStrings();

    [GeneratedRegex(@"""(\w+)"":\s*\{\{\s*'([\w.]+)'\s*\|\s*t\s*\|\s*json\s*\}\}")]
    private static partial Regex BlockKey();

    [GeneratedRegex(@"(?:\btext|\bL)\[""([^""]+)""")]
    private static partial Regex LocalizerKey();
}
