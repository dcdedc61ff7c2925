using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace StorybookShop.Dashboard;

/// <summary>
/// The operator, by HTTP Basic credentials compared in constant time with <c>Operator:Username</c>/<c>Password</c>:
/// an ASP.NET Core authentication scheme, so the operator dashboard is an endpoint behind an authorization policy
/// (<see cref="Policy"/>) like any other.
/// </summary>
public sealed partial class OperatorAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<OperatorOptions> operators
) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Operator";
    public const string Policy = "Operator";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var o = operators.CurrentValue;
        if (!o.Enabled || Presented(Request) is not { } presented)
            return Task.FromResult(AuthenticateResult.NoResult());
        if (!Valid(presented, o))
        {
            Log.OperatorSignInRefused(Logger, Hosting.ClientAddress.Of(Context), presented.User);
            return Task.FromResult(AuthenticateResult.Fail("Wrong operator credentials."));
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, presented.User)], SchemeName);
        return Task.FromResult(
            AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName))
        );
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // No operator configured: the dashboard does not exist.
        if (!operators.CurrentValue.Enabled)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        Response.Headers.WWWAuthenticate = "Basic realm=\"StorybookShop operators\", charset=\"UTF-8\"";
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }

    public sealed record Credentials(string User, string Password);

    /// <summary>The Basic credentials a request carries, or null.</summary>
    public static Credentials? Presented(HttpRequest request)
    {
        if (
            !AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var h)
            || h.Scheme != "Basic"
            || h.Parameter is null
        )
            return null;
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(h.Parameter)).Split(':', 2);
            return pair.Length == 2 ? new Credentials(pair[0], pair[1]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static bool Valid(Credentials presented, OperatorOptions o) =>
        o.Enabled && Same(presented.User, o.Username) & Same(presented.Password, o.Password);

    private static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(a)),
            SHA256.HashData(Encoding.UTF8.GetBytes(b))
        );

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Operator sign-in refused from {Address} for {User}")]
        public static partial void OperatorSignInRefused(ILogger logger, string address, string user);
    }
}
