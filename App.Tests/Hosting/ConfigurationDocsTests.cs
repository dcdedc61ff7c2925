using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using StorybookShop.Shopify;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Hosting;

/// <summary>
/// docs/configuration.md names settings the app reads: each key in its tables is a property of an options class
/// (under the class's <c>Section</c>) or a key the code reads by name. A renamed or removed setting fails here.
/// </summary>
public sealed partial class ConfigurationDocsTests
{
    [Test]
    public void Every_documented_setting_is_one_the_app_reads()
    {
        var known = OptionKeys();
        var source = string.Join(
            '\n',
            Directory
                .EnumerateFiles(ShopifyKit.Repo("App"), "*.cs", SearchOption.AllDirectories)
                .Select(File.ReadAllText)
        );
        var documented = Documented(File.ReadAllText(ShopifyKit.Repo("docs/configuration.md")));
        Assert.That(documented, Has.Count.GreaterThan(80));
        var unknown = documented
            .Where(k => !known.Contains(Placeholder().Replace(k, "{}")))
            .Where(k => !source.Contains($"\"{k}\"", StringComparison.Ordinal))
            .Where(k => !k.StartsWith("OTEL_", StringComparison.Ordinal))
            .Where(k =>
                !(
                    k.StartsWith("ConnectionStrings:", StringComparison.Ordinal)
                    && source.Contains($"GetConnectionString(\"{k.Split(':')[1]}\")", StringComparison.Ordinal)
                )
            )
            .ToList();
        Assert.That(unknown, Is.Empty, "documented settings the app does not read");
    }

    /// <summary>Keys from each table row's first cell: <c>`A:B` / `C`</c> is A:B and A:C.</summary>
    public static List<string> Documented(string markdown) =>
        markdown
            .Split('\n')
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(l =>
            {
                var names = Code().Matches(l.Split('|')[1]).Select(m => m.Groups[1].Value).ToList();
                var first = names[0];
                var section = first.Contains(':') ? first[..first.LastIndexOf(':')] : "";
                return names.Select(n => n.Contains(':') || section == "" ? n : $"{section}:{n}");
            })
            .Where(k => !k.EndsWith(":*", StringComparison.Ordinal))
            .ToList();

    /// <summary>Every bindable key of the app's options classes (dictionaries as <c>{}</c>).</summary>
    private static HashSet<string> OptionKeys()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in typeof(ShopifyGraphQL).Assembly.GetTypes())
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() is string s)
                Add(keys, s, type, 0);
        return keys;
    }

    private static void Add(HashSet<string> keys, string prefix, Type type, int depth)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{prefix}:{p.Name}";
            keys.Add(key);
            var t = p.PropertyType;
            if (depth > 4 || t == typeof(string) || t.IsValueType || t.IsArray)
                continue;
            if (t.IsGenericType && typeof(IDictionary).IsAssignableFrom(t))
            {
                keys.Add(key + ":{}");
                Add(keys, key + ":{}", t.GetGenericArguments()[1], depth + 1);
            }
            else if (
                t.IsGenericType
                && typeof(IList).IsAssignableFrom(t)
                && t.GetGenericArguments()[0] is { IsClass: true } item
                && item != typeof(string)
            )
            {
                // A list of sections (Billing:Plans): each item's keys under its index.
                keys.Add(key + ":{}");
                Add(keys, key + ":{}", item, depth + 1);
            }
            else if (t.IsClass && !typeof(IEnumerable).IsAssignableFrom(t))
                Add(keys, key, t, depth + 1);
        }
    }

    [GeneratedRegex(@"`([A-Za-z_][A-Za-z0-9_:{}\-*]*)`")]
    private static partial Regex Code();

    /// <summary>A key segment with a placeholder in it (<c>{model}</c>, <c>{quality}-{size}</c>).</summary>
    [GeneratedRegex(@"[^:]*\{[^:]*")]
    private static partial Regex Placeholder();
}
