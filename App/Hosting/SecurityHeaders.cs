using Microsoft.AspNetCore.HttpOverrides;

namespace StorybookShop.Hosting;

/// <summary>
/// One place for response headers that are about security: nosniff everywhere; a Content-Security-Policy on the
/// pages a shopper or an operator opens outside the admin (storefront, download, operator dashboard; admin pages
/// carry Shopify's frame-ancestors policy themselves); no caching and no referrer on the download page (its URL is
/// the secret); and in Production forwarded headers from the proxy in front and HSTS.
/// </summary>
public static class SecurityHeaders
{
    public const string StorefrontPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: https:; media-src 'self' https:; connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'";

    public const string OperatorPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            // The app runs behind a TLS-terminating proxy; KnownProxies/KnownNetworks come from ForwardedHeaders
            // settings.
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
            foreach (var proxy in app.Configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
                forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            app.UseForwardedHeaders(forwarded);
            app.UseHsts();
        }
        app.Use(async (http, next) =>
        {
            // Taken now: inside app.Map and the dashboards' UsePathBase, Request.Path has lost its prefix by the time
            // the response starts.
            var path = http.Request.Path;
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                if (path.StartsWithSegments("/downloads"))
                {
                    headers.ContentSecurityPolicy = StorefrontPolicy + "; frame-ancestors 'none'";
                    headers.CacheControl = "no-store";
                    headers["Referrer-Policy"] = "no-referrer";
                }
                else if (path.StartsWithSegments("/proxy") && !headers.ContainsKey("Content-Security-Policy"))
                    headers.ContentSecurityPolicy = StorefrontPolicy;
                else if (path.StartsWithSegments("/ops"))
                {
                    // The operator's browser keeps their Basic credentials: no page of theirs may be framed.
                    headers.ContentSecurityPolicy = OperatorPolicy;
                    headers.XFrameOptions = "DENY";
                    headers["Referrer-Policy"] = "no-referrer";
                    headers.CacheControl = "no-store";
                }
                return Task.CompletedTask;
            });
            await next(http);
        });
        return app;
    }
}
