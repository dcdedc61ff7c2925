namespace StorybookShop.Hosting;

/// <summary>
/// Paths that carry a bearer secret: the buyer's download token (<c>/downloads/{token}</c>, it is in Shopify's email)
/// and the merchant's dashboard ticket (<c>/jobs-dashboard/{ticket}</c>, every link of Hangfire's UI keeps it). They
/// are redacted wherever the app records a path: spans (<c>url.path</c>) and its own logs; the framework's categories
/// that print raw request paths or redirect locations are held at Warning, whatever the configuration says.
/// </summary>
public static class BearerPaths
{
    public const string Redacted = "{redacted}";
    private static readonly string[] Prefixes = ["/downloads", "/jobs-dashboard"];

    /// <summary>The path with its secret segment replaced, or null when it carries none.</summary>
    public static string? Redact(PathString path)
    {
        foreach (var prefix in Prefixes)
            if (
                path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase, out var rest)
                && rest.HasValue
                && rest.Value!.Length > 1
            )
            {
                var end = rest.Value.IndexOf('/', 1);
                return prefix + "/" + Redacted + (end < 0 ? "" : rest.Value[end..]);
            }
        return null;
    }

    /// <summary>The framework's categories that log a request's raw path or a redirect's location: request start and
    /// end, endpoint matching, result execution.</summary>
    private static readonly string[] PathLoggingCategories =
    [
        "Microsoft.AspNetCore.Hosting.Diagnostics",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Http.Result",
    ];

    /// <summary>Those categories never below Warning (a rule added after the configuration's wins among equally
    /// specific ones).</summary>
    public static WebApplicationBuilder KeepRequestLogsAtWarning(this WebApplicationBuilder builder)
    {
        builder.Services.PostConfigure<LoggerFilterOptions>(o =>
        {
            foreach (var category in PathLoggingCategories)
                o.Rules.Add(new LoggerFilterRule(null, category, LogLevel.Warning, null));
        });
        return builder;
    }
}
