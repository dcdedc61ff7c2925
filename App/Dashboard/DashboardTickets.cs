using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace StorybookShop.Dashboard;

/// <summary>
/// A short-lived bearer credential for one shop's jobs dashboard, issued from a valid session token and carried in
/// the dashboard's path, so that every link, stylesheet, script, poll and command of Hangfire's UI keeps it — in a
/// cross-site iframe no cookie would. Encrypted and signed with the app's Data Protection keys.
/// </summary>
public sealed class DashboardTickets(IDataProtectionProvider protection)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector("StorybookShop.Dashboard.Ticket.v1").ToTimeLimitedDataProtector();

    public string Issue(Guid shopId) => _protector.Protect(shopId.ToString("N"), Lifetime);

    /// <summary>The shop a ticket was issued for, or null when it is forged, altered or expired.</summary>
    public Guid? Validate(string ticket)
    {
        try
        {
            return Guid.TryParseExact(_protector.Unprotect(ticket, out _), "N", out var shop) ? shop : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
