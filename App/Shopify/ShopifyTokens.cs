using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace StorybookShop.Shopify;

/// <summary>
/// Offline access tokens for each shop: obtained by token exchange (embedded apps) or the authorization
/// code grant, stored encrypted, and refreshed with the rotating refresh token before they expire.
/// A refresh holds the shop's row lock, so concurrent refreshes on any number of nodes use the refresh
/// token once and all end up with the same new pair.
/// </summary>
public sealed partial class ShopifyTokens(
    HttpClient http,
    IOptions<ShopifyOptions> options,
    NpgsqlDataSource dataSource,
    TokenProtector protector,
    TimeProvider clock,
    ILogger<ShopifyTokens> logger
)
{
    /// <summary>Refresh this long before expiry, so a token never dies mid-request.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("scope")] string? Scope,
        [property: JsonPropertyName("expires_in")] int? ExpiresIn,
        [property: JsonPropertyName("refresh_token")] string? RefreshToken,
        [property: JsonPropertyName("refresh_token_expires_in")] int? RefreshTokenExpiresIn
    );

    public Uri AdminUrl(string shop, string path) =>
        new(options.Value.ShopUrlTemplate.Replace("{shop}", shop, StringComparison.Ordinal) + path);

    /// <summary>Token exchange: an App Bridge session token becomes an expiring offline access token.</summary>
    public Task ExchangeSessionTokenAsync(string shop, string sessionToken, CancellationToken ct) =>
        RequestAndSaveAsync(
            shop,
            new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
                ["subject_token"] = sessionToken,
                ["subject_token_type"] = "urn:ietf:params:oauth:token-type:id_token",
                ["requested_token_type"] = "urn:shopify:params:oauth:token-type:offline-access-token",
                ["expiring"] = "1",
            },
            ct
        );

    /// <summary>Authorization code grant (non-embedded installs).</summary>
    public Task ExchangeCodeAsync(string shop, string code, CancellationToken ct) =>
        RequestAndSaveAsync(shop, new Dictionary<string, string> { ["code"] = code, ["expiring"] = "1" }, ct);

    /// <summary>A valid access token for the Admin API, refreshed first when it is close to expiry.</summary>
    public async Task<string> GetAccessTokenAsync(string shop, CancellationToken ct)
    {
        var stored = await ReadAsync(shop, forUpdate: false, null, null, ct);
        if (
            stored.Access is not null
            && (stored.AccessExpires is null || stored.AccessExpires > clock.GetUtcNow() + RefreshMargin)
        )
            return protector.Unprotect(stored.Access)!;
        return await RefreshAsync(shop, staleToken: null, ct);
    }

    /// <summary>The scopes the shop granted (as Shopify reported them with its token), or null when not
    /// known.</summary>
    public async Task<string?> GrantedScopesAsync(string shop, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT scopes FROM shops WHERE domain = @d", conn);
        cmd.Parameters.AddWithValue("d", shop);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>
    /// Refreshes under the shop's row lock. With <paramref name="staleToken"/> (the token Shopify just refused),
    /// a token another node already replaced is used instead of refreshing again.
    /// </summary>
    public async Task<string> RefreshAsync(string shop, string? staleToken, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var row = await ReadAsync(shop, forUpdate: true, conn, tx, ct);
        var now = clock.GetUtcNow();
        var current = protector.Unprotect(row.Access);
        if (
            current is not null
            && current != staleToken
            && (row.AccessExpires is null || row.AccessExpires > now + RefreshMargin)
        )
            return current; // someone refreshed while we waited for the lock

        var refresh = protector.Unprotect(row.Refresh);
        if (refresh is null || row.RefreshExpires <= now)
        {
            await MarkNeedsReauthAsync(conn, tx, shop, ct);
            await tx.CommitAsync(ct);
            throw new ShopifyAuthException(
                shop,
                "The shop's refresh token is missing or expired; it must authenticate again."
            );
        }
        TokenResponse tokens;
        try
        {
            tokens = await RequestAsync(
                shop,
                new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh },
                ct
            );
        }
        catch (ShopifyAuthException)
        {
            await MarkNeedsReauthAsync(conn, tx, shop, ct);
            await tx.CommitAsync(ct);
            throw;
        }
        await SaveAsync(conn, tx, shop, tokens, ct);
        await tx.CommitAsync(ct);
        Log.AccessTokenRefreshed(logger, shop);
        return tokens.AccessToken;
    }

    public async Task MarkNeedsReauthAsync(string shop, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await MarkNeedsReauthAsync(conn, null, shop, ct);
    }

    private async Task RequestAndSaveAsync(string shop, Dictionary<string, string> grant, CancellationToken ct)
    {
        var tokens = await RequestAsync(shop, grant, ct);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await SaveAsync(conn, null, shop, tokens, ct);
    }

    private async Task<TokenResponse> RequestAsync(string shop, Dictionary<string, string> grant, CancellationToken ct)
    {
        if (!ShopifySignatures.IsShopDomain(shop))
            throw new ArgumentException($"'{shop}' is not a shop domain.", nameof(shop));
        var o = options.Value;
        grant["client_id"] = o.ClientId;
        grant["client_secret"] = o.ClientSecret;
        using var response = await http.PostAsJsonAsync(AdminUrl(shop, "/admin/oauth/access_token"), grant, ct);
        if (response.IsSuccessStatusCode)
            return await response.Content.ReadFromJsonAsync<TokenResponse>(ct)
                ?? throw new InvalidOperationException("Empty token response.");
        var error = "unknown_error";
        try
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            error = body.RootElement.TryGetProperty("error", out var e) ? e.GetString() ?? error : error;
        }
        catch (JsonException) { }
        // 4xx: Shopify refused these credentials (invalid_subject_token, invalid_grant, invalid_client):
        // re-authenticate.
        if ((int)response.StatusCode is >= 400 and < 500)
            throw new ShopifyAuthException(
                shop,
                $"Shopify refused the token request for {shop}: {error} ({(int)response.StatusCode})."
            );
        throw new HttpRequestException(
            $"Shopify's token endpoint answered {(int)response.StatusCode} ({error}).",
            null,
            response.StatusCode
        );
    }

    private sealed record StoredTokens(
        string? Access,
        DateTimeOffset? AccessExpires,
        string? Refresh,
        DateTimeOffset? RefreshExpires
    );

    private async Task<StoredTokens> ReadAsync(
        string shop,
        bool forUpdate,
        NpgsqlConnection? conn,
        NpgsqlTransaction? tx,
        CancellationToken ct
    )
    {
        var own = conn is null;
        conn ??= await dataSource.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand(
                "SELECT access_token, access_token_expires_at, refresh_token, refresh_token_expires_at FROM shops "
                    + "WHERE domain = @d"
                    + (forUpdate ? " FOR UPDATE" : ""),
                conn,
                tx
            );
            cmd.Parameters.AddWithValue("d", shop);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct))
                throw new ShopifyAuthException(shop, $"{shop} has not installed the app.");
            return new StoredTokens(
                await r.IsDBNullAsync(0, ct) ? null : r.GetString(0),
                await r.IsDBNullAsync(1, ct) ? null : await r.GetFieldValueAsync<DateTimeOffset>(1, ct),
                await r.IsDBNullAsync(2, ct) ? null : r.GetString(2),
                await r.IsDBNullAsync(3, ct) ? null : await r.GetFieldValueAsync<DateTimeOffset>(3, ct)
            );
        }
        finally
        {
            if (own)
                await conn.DisposeAsync();
        }
    }

    /// <summary>Stores a new pair in one statement: the access and refresh tokens always match.</summary>
    private async Task SaveAsync(
        NpgsqlConnection conn,
        NpgsqlTransaction? tx,
        string shop,
        TokenResponse t,
        CancellationToken ct
    )
    {
        var now = clock.GetUtcNow();
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO shops (id, domain, created_at, installed_at, needs_reauth, access_token,
              access_token_expires_at, refresh_token, refresh_token_expires_at, scopes)
            VALUES (@id, @d, @now, @now, false, @a, @ae, @r, @re, @s)
            ON CONFLICT (domain) DO UPDATE SET access_token = @a, access_token_expires_at = @ae, refresh_token =
              @r, refresh_token_expires_at = @re,
                scopes = coalesce(@s, shops.scopes), needs_reauth = false, uninstalled_at = NULL, installed_at =
                  coalesce(shops.installed_at, @now)
            """,
            conn,
            tx
        );
        cmd.Parameters.AddWithValue("id", Guid.NewGuid());
        cmd.Parameters.AddWithValue("d", shop);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("a", protector.Protect(t.AccessToken)!);
        cmd.Parameters.AddWithValue("ae", t.ExpiresIn is { } e ? now.AddSeconds(e) : DBNull.Value);
        cmd.Parameters.AddWithValue("r", t.RefreshToken is null ? DBNull.Value : protector.Protect(t.RefreshToken)!);
        cmd.Parameters.AddWithValue("re", t.RefreshTokenExpiresIn is { } re ? now.AddSeconds(re) : DBNull.Value);
        cmd.Parameters.AddWithValue("s", (object?)t.Scope ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task MarkNeedsReauthAsync(
        NpgsqlConnection conn,
        NpgsqlTransaction? tx,
        string shop,
        CancellationToken ct
    )
    {
        await using var cmd = new NpgsqlCommand("UPDATE shops SET needs_reauth = true WHERE domain = @d", conn, tx);
        cmd.Parameters.AddWithValue("d", shop);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Refreshed the access token for {Shop}")]
        public static partial void AccessTokenRefreshed(ILogger logger, string shop);
    }
}
