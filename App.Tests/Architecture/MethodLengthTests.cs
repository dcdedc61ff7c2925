using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Architecture;

/// <summary>
/// The pipeline reads in small steps: no method, constructor, accessor or local function in Generation or Books over
/// <see cref="MaxLines"/> lines (counted from the declaration's first line to its closing brace, as Roslyn parses
/// them).
/// </summary>
public sealed class MethodLengthTests
{
    private const int MaxLines = 60;

    [TestCase("Generation")]
    [TestCase("Books")]
    public void No_method_in_the_pipeline_is_longer_than_sixty_lines(string folder)
    {
        var root = ShopifyKit.Repo("App");
        var tooLong = Methods(Path.Combine(root, folder))
            .Where(m => m.Lines > MaxLines)
            .Select(m => $"{Path.GetRelativePath(root, m.File)}:{m.Line} {m.Name} ({m.Lines} lines)")
            .ToList();
        Assert.That(tooLong, Is.Empty);
    }

    [Test]
    public void The_count_sees_a_long_method()
    {
        var body = string.Join('\n', Enumerable.Range(0, MaxLines).Select(i => $"        var x{i} = {i};"));
        var tree = CSharpSyntaxTree.ParseText($"class C\n{{\n    void M()\n    {{\n{body}\n    }}\n}}\n");
        Assert.That(Measure(tree, "C.cs").Single().Lines, Is.EqualTo(MaxLines + 3));
    }

    public static IEnumerable<(string File, int Line, string Name, int Lines)> Methods(string folder) =>
        Directory
            .EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => Measure(CSharpSyntaxTree.ParseText(File.ReadAllText(f)), f));

    private static IEnumerable<(string File, int Line, string Name, int Lines)> Measure(SyntaxTree tree, string file) =>
        tree.GetRoot()
            .DescendantNodes()
            .Where(n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax)
            .Select(n =>
            {
                var span = n.GetLocation().GetLineSpan();
                return (
                    file,
                    span.StartLinePosition.Line + 1,
                    Name(n),
                    span.EndLinePosition.Line - span.StartLinePosition.Line + 1
                );
            });

    private static string Name(SyntaxNode node) =>
        node switch
        {
            MethodDeclarationSyntax m => m.Identifier.Text,
            ConstructorDeclarationSyntax c => c.Identifier.Text,
            LocalFunctionStatementSyntax l => l.Identifier.Text,
            AccessorDeclarationSyntax a => a.Keyword.Text,
            _ => node.Kind().ToString(),
        };
}
