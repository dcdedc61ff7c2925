using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace StorybookShop.Shopify;

/// <summary>The three ways Shopify signs what it sends us, each checked in constant time against every live
/// secret.</summary>
public static partial class ShopifySignatures
{
    /// <summary>A shop's permanent domain; anything else (evil.com, x.myshopify.com.evil.com) is refused.</summary>
    public static bool IsShopDomain(string? shop) =>
        shop is not null && shop.Length <= 255 && ShopDomain().IsMatch(shop);

    /// <summary>
    /// OAuth redirects and admin links: drop <c>hmac</c> (and <c>signature</c>), sort, join <c>k=v</c> with
    /// <c>&amp;</c>,
    /// hex HMAC-SHA256 with the client secret.
    /// </summary>
    public static bool VerifyQueryHmac(
        IEnumerable<KeyValuePair<string, StringValues>> query,
        IEnumerable<string> secrets
    )
    {
        var pairs = query.ToList();
        var hmac = pairs.FirstOrDefault(p => p.Key == "hmac").Value.ToString();
        if (string.IsNullOrEmpty(hmac))
            return false;
        var message = string.Join(
            '&',
            pairs
                .Where(p => p.Key is not ("hmac" or "signature"))
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => $"{EscapeKey(p.Key)}={EscapeValue(string.Join(',', p.Value.ToArray()))}")
        );
        return MatchesHex(message, hmac, secrets);
    }

    /// <summary>
    /// App proxy requests: drop <c>signature</c>, sort, join <c>k=v</c> with no separator (repeated keys' values
    /// joined with commas), hex HMAC-SHA256.
    /// </summary>
    public static bool VerifyAppProxy(
        IEnumerable<KeyValuePair<string, StringValues>> query,
        IEnumerable<string> secrets
    )
    {
        var pairs = query.ToList();
        var signature = pairs.FirstOrDefault(p => p.Key == "signature").Value.ToString();
        if (string.IsNullOrEmpty(signature))
            return false;
        var message = string.Concat(
            pairs
                .Where(p => p.Key != "signature")
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => $"{p.Key}={string.Join(',', p.Value.ToArray())}")
        );
        return MatchesHex(message, signature, secrets);
    }

    /// <summary>Webhooks: Shopify signs the raw body, base64, in X-Shopify-Hmac-Sha256.</summary>
    public static bool VerifyWebhook(ReadOnlySpan<byte> body, string? header, IEnumerable<string> secrets)
    {
        if (string.IsNullOrEmpty(header))
            return false;
        Span<byte> given = stackalloc byte[64];
        if (!Convert.TryFromBase64String(header, given, out var length) || length != 32)
            return false;
        foreach (var secret in secrets)
        {
            var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
            if (CryptographicOperations.FixedTimeEquals(expected, given[..length]))
                return true;
        }
        return false;
    }

    /// <summary>Signs a body as Shopify does (for our fake Shopify and for tests).</summary>
    public static string SignWebhook(ReadOnlySpan<byte> body, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static string HexHmac(string message, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message)));

    /// <summary>A signed <c>timestamp</c> parameter within the window of now.</summary>
    public static bool IsFresh(string? timestamp, TimeProvider clock, TimeSpan window) =>
        long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && Math.Abs(clock.GetUtcNow().ToUnixTimeSeconds() - seconds) <= window.TotalSeconds;

    private static bool MatchesHex(string message, string given, IEnumerable<string> secrets)
    {
        Span<byte> givenBytes = stackalloc byte[32];
        if (
            given.Length != 64
            || Convert.FromHexString(given, givenBytes, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != 32
        )
            return false;
        var data = Encoding.UTF8.GetBytes(message);
        foreach (var secret in secrets)
            if (
                CryptographicOperations.FixedTimeEquals(
                    HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data),
                    givenBytes
                )
            )
                return true;
        return false;
    }

    // Shopify's rule for the signed string: % and & escaped in values, and = too in keys.
    private static string EscapeValue(string v) =>
        v.Replace("%", "%25", StringComparison.Ordinal).Replace("&", "%26", StringComparison.Ordinal);

    private static string EscapeKey(string k) => EscapeValue(k).Replace("=", "%3D", StringComparison.Ordinal);

    // \z, not $: $ also matches before a final newline ("a.myshopify.com\n").
    [GeneratedRegex(@"^[a-zA-Z0-9][a-zA-Z0-9\-_]*\.myshopify\.com\z")]
    private static partial Regex ShopDomain();
}
