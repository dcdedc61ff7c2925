using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace StorybookShop.Dashboard;

/// <summary>
/// HTTP Basic authentication of the operator, with constant-time comparisons; after <see cref="MaxFailures"/> refused
/// attempts from one address within <see cref="Window"/> that address is answered 429 until the window passes.
/// </summary>
public static class OperatorAccess
{
    public enum Outcome { Disabled, Refused, Throttled, Allowed }

    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    /// <summary>Refused sign-ins per address, for one app (a singleton).</summary>
    public sealed class Failures
    {
        internal System.Collections.Concurrent.ConcurrentDictionary<string, (int Count,
            DateTimeOffset Since)> ByAddress { get; } = new();
    }

    public static Outcome Check(HttpContext http, OperatorOptions o)
    {
        if (!o.Enabled) return Outcome.Disabled;
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var failures = http.RequestServices.GetRequiredService<Failures>().ByAddress;
        if (failures.TryGetValue(address, out var seen) && now - seen.Since < Window
            && seen.Count >= MaxFailures) return Outcome.Throttled;
        var outcome = Verify(http, o);
        // A request with no credentials is the browser asking for them, not a guess.
        if (outcome == Outcome.Refused && http.Request.Headers.Authorization.Count > 0)
            failures.AddOrUpdate(address, (1, now), (_, f) => now - f.Since < Window ? (f.Count + 1, f.Since) : (1,
                now));
        return outcome;
    }

    private static Outcome Verify(HttpContext http, OperatorOptions o)
    {
        if (AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var h) && h.Scheme == "Basic"
            && h.Parameter is not null)
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(h.Parameter)).Split(':', 2);
                if (pair.Length == 2 && Same(pair[0], o.Username) & Same(pair[1], o.Password)) return Outcome.Allowed;
            }
            catch (FormatException)
            {
            }
        }
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"StorybookShop operators\", charset=\"UTF-8\"";
        return Outcome.Refused;
    }

    private static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)),
            SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
