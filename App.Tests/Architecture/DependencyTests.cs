using NetArchTest.Rules;
using StorybookShop.Shopify;

namespace StorybookShop.Tests.Architecture;

/// <summary>
/// Feature folders depend on each other one way: hosting and data at the bottom, features on top. The graph is read
/// from the compiled app (NetArchTest over its IL: usings, qualified names and method bodies alike), folder by folder.
/// </summary>
public sealed class DependencyTests
{
    private static readonly System.Reflection.Assembly App = typeof(ShopifyGraphQL).Assembly;

    /// <summary>The top-level folders (a namespace's first part after StorybookShop).</summary>
    private static List<string> Folders() =>
        [
            .. App.GetTypes()
                .Select(t => t.Namespace)
                .OfType<string>()
                .Where(n => n.StartsWith("StorybookShop.", StringComparison.Ordinal))
                .Select(n => n.Split('.')[1])
                .Distinct()
                .Order(StringComparer.Ordinal),
        ];

    /// <summary>Folder → the folders its types use.</summary>
    public static Dictionary<string, SortedSet<string>> Graph()
    {
        var folders = Folders();
        var graph = folders.ToDictionary(f => f, _ => new SortedSet<string>(StringComparer.Ordinal));
        foreach (var from in folders)
        foreach (var to in folders.Where(t => t != from))
            if (
                Types
                    .InAssembly(App)
                    .That()
                    .ResideInNamespace($"StorybookShop.{from}")
                    .And()
                    .HaveDependencyOn($"StorybookShop.{to}")
                    .GetTypes()
                    .Any()
            )
                graph[from].Add(to);
        return graph;
    }

    public static List<(string A, string B)> TwoWay(Dictionary<string, SortedSet<string>> graph) =>
        [
            .. graph.SelectMany(g =>
                g.Value.Where(to => string.CompareOrdinal(g.Key, to) < 0 && graph[to].Contains(g.Key))
                    .Select(to => (g.Key, to))
            ),
        ];

    [Test]
    public void No_two_feature_folders_depend_on_each_other()
    {
        var graph = Graph();
        foreach (var (from, to) in graph)
            TestContext.Out.WriteLine($"{from, -12} → {string.Join(", ", to)}");
        var twoWay = TwoWay(graph);
        TestContext.Out.WriteLine($"two-way pairs: {twoWay.Count}: {string.Join("; ", twoWay)}");
        Assert.That(
            twoWay,
            Is.Empty,
            "each pair of folders depends one way at most: "
                + string.Join(" | ", twoWay.Select(p => Culprits(p.A, p.B)))
        );
    }

    /// <summary>The types behind a two-way pair, both ways (what to move to break it).</summary>
    private static string Culprits(string a, string b) =>
        string.Join(
            "; ",
            new[] { (a, b), (b, a) }.Select(p =>
                $"{p.Item1} -> {p.Item2}: "
                + string.Join(
                    ", ",
                    Types
                        .InAssembly(App)
                        .That()
                        .ResideInNamespace($"StorybookShop.{p.Item1}")
                        .And()
                        .HaveDependencyOn($"StorybookShop.{p.Item2}")
                        .GetTypes()
                        .Select(t => t.FullName!.Replace("StorybookShop.", "", StringComparison.Ordinal))
                        .Where(n => !n.Contains('<', StringComparison.Ordinal))
                        .Distinct()
                )
            )
        );
}
