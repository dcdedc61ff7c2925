namespace StorybookShop.Hosting;

/// <summary>
/// Endpoint metadata: the security headers an endpoint's responses carry (its Content-Security-Policy, who may frame
/// it, caching and referrer rules). Groups declare theirs once; <see cref="SecurityHeaders"/> applies it as each
/// response starts — the one place such headers are written.
/// </summary>
public class ResponseSecurity(string? policy, bool noFraming = false, bool secretInUrl = false)
{
    public const string StorefrontPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data: https:; media-src 'self' https:; connect-src 'self'; base-uri 'none'; form-action "
        + "'self'; object-src 'none'";

    public const string OperatorPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data:; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";

    /// <summary>Storefront pages through the app proxy (a page may set a stricter policy of its own).</summary>
    public static readonly ResponseSecurity Storefront = new(StorefrontPolicy);

    /// <summary>The buyer's download pages: the URL is the secret, and nobody frames them.</summary>
    public static readonly ResponseSecurity Download = new(
        StorefrontPolicy + "; frame-ancestors 'none'",
        noFraming: true,
        secretInUrl: true
    );

    /// <summary>The operator's dashboard: their browser keeps Basic credentials, so no page of theirs is
    /// framed.</summary>
    public static readonly ResponseSecurity Operator = new(OperatorPolicy, noFraming: true, secretInUrl: true);

    /// <summary>The policy for this response (null: none of its own).</summary>
    protected virtual string? Policy(HttpContext http) => policy;

    public void Apply(HttpContext http)
    {
        var headers = http.Response.Headers;
        if (Policy(http) is { } csp && !headers.ContainsKey("Content-Security-Policy"))
            headers.ContentSecurityPolicy = csp;
        if (noFraming)
            headers.XFrameOptions = "DENY";
        if (secretInUrl)
        {
            // A bearer secret in the URL must not leak through Referer headers or caches.
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
        }
    }
}
