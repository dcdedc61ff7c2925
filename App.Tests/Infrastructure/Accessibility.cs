using Microsoft.Playwright;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>axe-core (Deque.AxeCore.Playwright) on a page as it is now: every violation is written to the test's
/// output; the serious and critical ones are returned, described.</summary>
public static class Accessibility
{
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page, string name)
    {
        var result = await Deque.AxeCore.Playwright.PageExtensions.RunAxe(page);
        Assert.That(result.Passes, Is.Not.Empty, $"{name}: axe ran its rules");
        var found = new List<string>();
        foreach (var v in result.Violations)
        {
            await TestContext.Out.WriteLineAsync($"{name}: {v.Id} ({v.Impact}) on {v.Nodes.Length} element(s)");
            if (v.Impact is "serious" or "critical")
                found.Add($"{name}: {v.Id} ({v.Impact}) on {string.Join(", ", v.Nodes.Select(n => n.Html).Take(3))}");
        }
        return found;
    }
}
