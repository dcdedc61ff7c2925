using System.Diagnostics;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Architecture;

/// <summary>
/// The code reads as one formatter lays it out: CSharpier (pinned in dotnet-tools.json) at width 120
/// (.csharpierrc.json). Fix a failure with <c>dotnet csharpier format .</c>.
/// </summary>
public sealed class FormattingTests
{
    [Test]
    public async Task Every_source_file_is_as_the_formatter_lays_it_out()
    {
        var (exit, output) = await CSharpierCheckAsync(ShopifyKit.Repo(""));
        Assert.That(output, Does.Not.Contain("Was not formatted"));
        Assert.That(exit, Is.Zero, output);
    }

    [Test]
    public async Task The_check_finds_a_badly_formatted_file()
    {
        var dir = Directory.CreateTempSubdirectory("format-").FullName;
        File.Copy(ShopifyKit.Repo(".csharpierrc.json"), Path.Combine(dir, ".csharpierrc.json"));
        await File.WriteAllTextAsync(Path.Combine(dir, "Ugly.cs"), "class Ugly{void M( ){var x=1 ;}}\n");
        var (exit, output) = await CSharpierCheckAsync(dir);
        Assert.That(exit, Is.Not.Zero);
        Assert.That(output, Does.Contain("Ugly.cs"));
    }

    /// <summary>Runs the pinned tool from the repository (where its manifest is) on a directory.</summary>
    private static async Task<(int Exit, string Output)> CSharpierCheckAsync(string directory)
    {
        var start = new ProcessStartInfo("dotnet", ["csharpier", "check", directory])
        {
            WorkingDirectory = ShopifyKit.Repo(""),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
