using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using StorybookShop.Shopify;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>Signs things the way Shopify does: App Bridge session tokens and webhook deliveries.</summary>
public static class ShopifyKit
{
    public const string ClientId = "test-client-id";

    /// <summary>The repository's root (where StorybookShop.sln is).</summary>
    public static string Repo(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StorybookShop.sln")))
            dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Repository root not found."), file);
    }

    /// <summary>What Shopify grants at install: the scopes shopify.app.toml asks for (Shopify-managed
    /// installation).</summary>
    public static string TomlScopes { get; } =
        System
            .Text.RegularExpressions.Regex.Match(
                File.ReadAllText(Repo("shopify.app.toml")),
                @"(?m)^scopes\s*=\s*""([^""]*)"""
            )
            .Groups[1]
            .Value;
    public const string Secret = "test-client-secret-0123456789abcdef";
    public const string PreviousSecret = "previous-client-secret-0123456789ab";

    /// <summary>An embedded admin page as Shopify opens it: the shop, the host, embedded=1 and a fresh id
    /// token.</summary>
    public static string AdminUrl(string path, string shop, string? query = null) =>
        $"{path}?shop={shop}&host=YWRtaW4uc2hvcGlmeS5jb20&embedded=1&id_token={SessionToken(shop)}"
        + (query is null ? "" : "&" + query);

    public static string SessionToken(
        string shop,
        TimeSpan? expiresIn = null,
        TimeSpan? notBeforeIn = null,
        string audience = ClientId,
        string secret = Secret,
        string? dest = null,
        string? iss = null
    )
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(
            new SecurityTokenDescriptor
            {
                Claims = new Dictionary<string, object>
                {
                    ["iss"] = iss ?? $"https://{shop}/admin",
                    ["dest"] = dest ?? $"https://{shop}",
                    ["aud"] = audience,
                    ["sub"] = "42",
                    ["jti"] = Guid.NewGuid().ToString(),
                    ["sid"] = "session-1",
                },
                IssuedAt = now.AddSeconds(-5),
                NotBefore = now + (notBeforeIn ?? TimeSpan.FromSeconds(-5)),
                Expires = now + (expiresIn ?? TimeSpan.FromMinutes(1)),
                SigningCredentials = new SigningCredentials(
                    new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)),
                    SecurityAlgorithms.HmacSha256
                ),
            }
        );
    }

    public static HttpRequestMessage Webhook(
        string topic,
        string shop,
        string body,
        string? eventId = null,
        string secret = Secret,
        bool sign = true
    )
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Shopify-Topic", topic);
        request.Headers.Add("X-Shopify-Shop-Domain", shop);
        request.Headers.Add("X-Shopify-API-Version", "2026-10");
        request.Headers.Add("X-Shopify-Webhook-Id", Guid.NewGuid().ToString());
        request.Headers.Add("X-Shopify-Event-Id", eventId ?? Guid.NewGuid().ToString());
        request.Headers.Add("X-Shopify-Triggered-At", DateTimeOffset.UtcNow.ToString("O"));
        if (sign)
            request.Headers.Add("X-Shopify-Hmac-Sha256", ShopifySignatures.SignWebhook(bytes, secret));
        return request;
    }

    /// <summary>A storefront URL as Shopify's app proxy forwards it: the query signed with the app secret.</summary>
    public static string ProxyUrl(
        string path,
        string shop,
        string? customer = "7001",
        long? timestamp = null,
        string secret = Secret,
        IDictionary<string, string>? extra = null
    )
    {
        var query = new Dictionary<string, string>
        {
            ["shop"] = shop,
            ["path_prefix"] = "/apps/storybook",
            ["timestamp"] = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(
                System.Globalization.CultureInfo.InvariantCulture
            ),
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>())
            query[k] = v;
        if (customer is not null)
            query["logged_in_customer_id"] = customer;
        query["signature"] = StorybookShop.Shopify.ShopifySignatures.HexHmac(
            string.Concat(query.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")),
            secret
        );
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(path, query!);
    }

    public static string RandomShop() => $"shop-{RandomNumberGenerator.GetHexString(8, lowercase: true)}.myshopify.com";
}
