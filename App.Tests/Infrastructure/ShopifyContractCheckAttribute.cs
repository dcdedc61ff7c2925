using NUnit.Framework.Interfaces;

[assembly: StorybookShop.Tests.Infrastructure.ShopifyContractCheck]

namespace StorybookShop.Tests.Infrastructure;

/// <summary>
/// Every test fails when the fake Shopify saw, during it, a request Shopify would refuse, a deprecated field, or
/// gave an answer its own schema does not allow — unless the test took it off the list with
/// <see cref="ShopifyContract.Expect"/>. Tests run one at a time, so what the fake saw belongs to the test running.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class ShopifyContractCheckAttribute : Attribute, ITestAction
{
    public ActionTargets Targets => ActionTargets.Test;

    public void BeforeTest(ITest test)
    {
        // Nothing to do: what a fixture's set-up made the fake see is blamed on its first test, not lost.
    }

    public void AfterTest(ITest test)
    {
        var seen = new List<ShopifyContract.Violation>();
        while (ShopifyContract.Violations.TryDequeue(out var v))
            seen.Add(v);
        if (seen.Count > 0)
            Assert.Fail(
                "Shopify's contract was broken during this test (the fake follows Shopify's published "
                    + "2026-10 schema and cost rules):\n- "
                    + string.Join("\n- ", seen.Distinct())
            );
    }
}
