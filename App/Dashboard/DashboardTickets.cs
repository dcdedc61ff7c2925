using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace StorybookShop.Dashboard;

/// <summary>
/// A short-lived bearer credential for one shop's jobs dashboard, issued from a valid session token and carried in
/// the dashboard's path, so that every link, stylesheet, script, poll and command of Hangfire's UI keeps it — in a
/// cross-site iframe no cookie would. Encrypted and signed with the app's Data Protection keys, and recorded in
/// <c>dashboard_tickets</c>: every request renews it by <see cref="TicketOptions.TicketIdleLifetime"/> (the open page
/// polls its stats every two seconds), so it lives while the merchant looks and dies soon after they leave, and never
/// past <see cref="TicketOptions.TicketMaxLifetime"/>.
/// </summary>
public sealed class DashboardTickets(
    IDataProtectionProvider protection,
    NpgsqlDataSource dataSource,
    IOptions<TicketOptions> options,
    TimeProvider clock
)
{
    private readonly ITimeLimitedDataProtector _protector = protection
        .CreateProtector("StorybookShop.Dashboard.Ticket.v2")
        .ToTimeLimitedDataProtector();

    public async Task<string> IssueAsync(Guid shopId, CancellationToken ct)
    {
        var id = Guid.NewGuid();
        var now = clock.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            """
            DELETE FROM dashboard_tickets WHERE expires_at < @now - interval '1 day';
            INSERT INTO dashboard_tickets (id, shop_id, created_at, expires_at) VALUES (@id, @shop, @now, @expires);
            """,
            conn
        );
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("shop", shopId);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("expires", now + options.Value.TicketIdleLifetime);
        await cmd.ExecuteNonQueryAsync(ct);
        return _protector.Protect($"{id:N}.{shopId:N}", options.Value.TicketMaxLifetime);
    }

    /// <summary>The shop a ticket was issued for, renewing it; null when it is forged, altered, idle or too
    /// old.</summary>
    public async Task<Guid?> ValidateAsync(string ticket, CancellationToken ct)
    {
        string payload;
        try
        {
            payload = _protector.Unprotect(ticket, out _);
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
        var parts = payload.Split('.');
        if (
            parts.Length != 2
            || !Guid.TryParseExact(parts[0], "N", out var id)
            || !Guid.TryParseExact(parts[1], "N", out var shop)
        )
            return null;
        var o = options.Value;
        var now = clock.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            """
            UPDATE dashboard_tickets SET expires_at = LEAST(@renewed, created_at + @max)
            WHERE id = @id AND shop_id = @shop AND expires_at > @now AND created_at + @max > @now
            """,
            conn
        );
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("shop", shop);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("renewed", now + o.TicketIdleLifetime);
        cmd.Parameters.AddWithValue("max", o.TicketMaxLifetime);
        return await cmd.ExecuteNonQueryAsync(ct) == 1 ? shop : null;
    }
}
