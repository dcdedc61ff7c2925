using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Shopify;

/// <summary>A node that cannot check Shopify's signatures refuses to start and says which setting to fix — instead of
/// starting and answering every embedded page with a blank 401 and one SecurityTokenSignatureKeyNotFoundException in
/// the log.</summary>
public sealed class ShopifyStartupTests
{
    [Test]
    public async Task A_short_client_secret_refuses_to_start_naming_the_setting()
    {
        var database = await TestServices.CreateDatabaseAsync("shopify-start");
        using var shortSecret = new AppFactory(
            database,
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web", ["Shopify:ClientSecret"] = "abc123" }
        );
        Assert.That(
            Assert.Catch(() => shortSecret.CreateClient())!.ToString(),
            Does.Contain("Shopify:ClientSecret").And.Contain("at least 32 characters")
        );
    }
}
