using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Storefront;

/// <summary>
/// A node that could only give Shopify a relative download link refuses to start. Its own fixture: Hangfire's log
/// provider is process-wide (the last host to start sets it), so a host disposed beside a running one would leave
/// that one logging into a disposed factory.
/// </summary>
public sealed class DeliveryStartupTests
{
    [Test]
    public async Task A_worker_of_a_shopify_app_without_a_public_url_refuses_to_start_naming_the_setting()
    {
        var database = await TestServices.CreateDatabaseAsync("delivery-start");
        using var noUrl = new AppFactory(
            database,
            new Dictionary<string, string?>
            {
                ["Pipeline:Roles"] = "worker",
                ["Shopify:AppUrl"] = "",
                ["Delivery:PublicBaseUrl"] = "",
            }
        );
        var error = Assert.Catch(() => noUrl.CreateClient());
        Assert.That(error!.ToString(), Does.Contain("Delivery:PublicBaseUrl").And.Contain("Shopify:AppUrl"));

        using var relative = new AppFactory(
            database,
            new Dictionary<string, string?>
            {
                ["Pipeline:Roles"] = "worker",
                ["Shopify:AppUrl"] = "",
                ["Delivery:PublicBaseUrl"] = "/books",
            }
        );
        Assert.That(Assert.Catch(() => relative.CreateClient())!.ToString(), Does.Contain("Delivery:PublicBaseUrl"));

        using var web = new AppFactory(
            database,
            new Dictionary<string, string?>
            {
                ["Pipeline:Roles"] = "web",
                ["Shopify:AppUrl"] = "",
                ["Delivery:PublicBaseUrl"] = "",
            }
        );
        Assert.DoesNotThrow(() => web.CreateClient(), "a web node delivers nothing");
    }
}
