using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>The order-status / thank-you extension (extensions/storybook-order) as Shopify runs it: bundled with
/// esbuild as the Shopify CLI bundles it, on a page that gives it Shopify's globals, with session tokens as Shopify
/// signs them for it. The host gives both targets' globals: <c>order</c> (order status) and
/// <c>orderConfirmation</c> (thank you).</summary>
public static class OrderExtension
{
    /// <summary>esbuild (the Shopify CLI's bundler) over <paramref name="module"/>, calling the app at
    /// <paramref name="appUrl"/>.</summary>
    public static async Task<string> BundleAsync(string module, string appUrl)
    {
        var tools = ShopifyKit.Repo(".tools/node_modules");
        var output = Path.Combine(TestServices.TempDirectory("extension"), "ext.js");
        var psi = new ProcessStartInfo(Path.Combine(tools, ".bin/esbuild"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (
            var arg in new[]
            {
                ShopifyKit.Repo($"extensions/storybook-order/src/{module}"),
                "--bundle",
                "--format=esm",
                "--jsx=automatic",
                "--jsx-import-source=preact",
                $"--define:STORYBOOK_APP_URL=\"{appUrl}\"",
                $"--outfile={output}",
            }
        )
            psi.ArgumentList.Add(arg);
        psi.Environment["NODE_PATH"] = tools;
        using var esbuild = Process.Start(psi)!;
        var errors = await esbuild.StandardError.ReadToEndAsync();
        await esbuild.WaitForExitAsync();
        Assert.That(esbuild.ExitCode, Is.Zero, errors);
        return await File.ReadAllTextAsync(output);
    }

    /// <summary>The order-status page's host: the bundle at <c>/ext.js</c> run with Shopify's globals — the session
    /// token, the order, translations from the extension's English locale.</summary>
    public static string HostPage(
        string title,
        string orderGid,
        string orderName,
        string sessionToken,
        string extra = ""
    )
    {
        var locale = File.ReadAllText(ShopifyKit.Repo("extensions/storybook-order/locales/en.default.json"));
        return $$"""
            <!doctype html><html lang="en"><title>{{title}}</title><body></body>
            <script>
              const strings = {{locale}};
              globalThis.shopify = {
                sessionToken: { get: async () => "{{sessionToken}}" },
                order: { value: { id: "{{orderGid}}", name: "{{orderName}}" } },
                orderConfirmation: { value: { order: { id: "{{orderGid}}" }, number: "{{orderName}}" } },
                i18n: {
                  translate: (key, values) => (strings[key] || key).replace(/\{(\w+)\}/g, (_, k) => values[k]),
                },
              };
            </script>
            {{extra}}
            <script type="module">import extension from "/ext.js"; extension();</script>
            </html>
            """;
    }

    /// <summary>Shopify's extension host on an origin of its own (as the real one is): <paramref name="module"/>
    /// bundled and run on <c>/</c> for the order, with the customer's session token.</summary>
    public static async Task<(WebApplication Host, string Origin)> HostAsync(
        string module,
        string appUrl,
        string orderGid,
        string orderName,
        string sessionToken
    )
    {
        var bundle = await BundleAsync(module, appUrl);
        var host = LocalServer.Create();
        host.MapGet("/ext.js", () => Results.Text(bundle, "text/javascript"));
        host.MapGet("/", () => Results.Content(HostPage(orderName, orderGid, orderName, sessionToken), "text/html"));
        return (host, await LocalServer.StartAsync(host));
    }

    /// <summary>A UI extension's session token as Shopify signs it: HS256 with the app secret, <c>dest</c> the shop's
    /// domain, <c>sub</c> the signed-in customer (absent for a guest).</summary>
    public static string Token(
        string shop,
        string? customer,
        string secret = ShopifyKit.Secret,
        string audience = ShopifyKit.ClientId
    )
    {
        var claims = new Dictionary<string, object>
        {
            ["iss"] = $"https://{shop}/admin",
            ["dest"] = shop,
            ["aud"] = audience,
            ["jti"] = Guid.NewGuid().ToString(),
        };
        if (customer is not null)
            claims["sub"] = customer;
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(
            new SecurityTokenDescriptor
            {
                Claims = claims,
                IssuedAt = now.AddSeconds(-5),
                NotBefore = now.AddSeconds(-5),
                Expires = now.AddMinutes(5),
                SigningCredentials = new SigningCredentials(
                    new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)),
                    SecurityAlgorithms.HmacSha256
                ),
            }
        );
    }
}
