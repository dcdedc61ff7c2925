using System.Text.Json;
using System.Text.RegularExpressions;
using StorybookShop.Shopify.Webhooks;

namespace StorybookShop.Tests.Shopify;

/// <summary>shopify.app.toml and the app must agree: one API version, routes that exist, handlers for every
/// topic.</summary>
public sealed class AppConfigurationTests
{
    private static string Repo(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StorybookShop.sln")))
            dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Repository root not found."), file);
    }

    [Test]
    public void The_toml_and_appsettings_name_the_same_api_version()
    {
        var toml = File.ReadAllText(Repo("shopify.app.toml"));
        var tomlVersion = Regex.Match(toml, @"api_version\s*=\s*""([^""]+)""").Groups[1].Value;
        using var settings = JsonDocument.Parse(File.ReadAllText(Repo("appsettings.json")));
        Assert.That(
            settings.RootElement.GetProperty("Shopify").GetProperty("ApiVersion").GetString(),
            Is.EqualTo(tomlVersion)
        );
        Assert.That(
            new StorybookShop.Shopify.ShopifyOptions().ApiVersion,
            Is.EqualTo(tomlVersion),
            "the code default too"
        );
    }

    [Test]
    public void Every_subscribed_topic_has_a_handler_and_the_compliance_topics_are_subscribed()
    {
        var toml = File.ReadAllText(Repo("shopify.app.toml"));
        var topics = Regex
            .Matches(toml, @"(?:topics|compliance_topics)\s*=\s*\[([^\]]*)\]")
            .SelectMany(m => Regex.Matches(m.Groups[1].Value, @"""([^""]+)""").Select(t => t.Groups[1].Value))
            .ToList();
        Assert.That(
            topics,
            Is.SupersetOf(new[] { "customers/data_request", "customers/redact", "shop/redact", "app/uninstalled" })
        );
        var handled = typeof(IWebhookHandler)
            .Assembly.GetTypes()
            .Where(t => typeof(IWebhookHandler).IsAssignableFrom(t) && !t.IsInterface)
            .SelectMany(t =>
                ((IWebhookHandler)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(t)).Topics
            )
            .ToList();
        Assert.That(handled, Is.SupersetOf(topics));
        Assert.That(
            Regex.Matches(toml, @"uri\s*=\s*""([^""]+)""").Select(m => m.Groups[1].Value).Distinct(),
            Is.EqualTo(new[] { "/webhooks" })
        );
        Assert.That(
            toml,
            Does.Contain("/auth/callback").And.Contain("url = \"https://storybookshop.example.com/proxy\"")
        );
    }
}
