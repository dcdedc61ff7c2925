using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace StorybookShop.Dashboard;

public sealed class OperatorOptions
{
    public const string Section = "Operator";
    /// <summary>Both set: the all-shops jobs dashboard at /ops/jobs behind HTTP Basic authentication. Either empty: it does not exist.</summary>
    public string Username { get; set; } = "";
    public string Password { get; set; } = "";
    public bool Enabled => Username.Length > 0 && Password.Length > 0;
}

/// <summary>HTTP Basic authentication of the operator, with constant-time comparisons.</summary>
public static class OperatorAccess
{
    public enum Outcome { Disabled, Refused, Allowed }

    public static Outcome Check(HttpContext http, OperatorOptions o)
    {
        if (!o.Enabled) return Outcome.Disabled;
        if (AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var h) && h.Scheme == "Basic" && h.Parameter is not null)
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
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
