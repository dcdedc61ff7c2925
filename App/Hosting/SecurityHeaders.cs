using Microsoft.AspNetCore.HttpOverrides;

namespace StorybookShop.Hosting;

/// <summary>
/// One place for response headers that are about security: nosniff everywhere, and each endpoint's own
/// <see cref="ResponseSecurity"/> (its CSP and frame-ancestors, no caching and no referrer where a secret is in the
/// URL); in Production forwarded headers from the proxy in front and HSTS.
/// </summary>
public static class SecurityHeaders
{
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            // The app runs behind a TLS-terminating proxy; KnownProxies/KnownNetworks come from ForwardedHeaders
            // settings.
            var forwarded = new ForwardedHeadersOptions
            {
                ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            };
            foreach (var proxy in app.Configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
                forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            app.UseForwardedHeaders(forwarded);
            app.UseHsts();
        }
        app.Use(
            async (http, next) =>
            {
                http.Response.OnStarting(() =>
                {
                    http.Response.Headers.XContentTypeOptions = "nosniff";
                    http.GetEndpoint()?.Metadata.GetMetadata<ResponseSecurity>()?.Apply(http);
                    return Task.CompletedTask;
                });
                await next(http);
            }
        );
        return app;
    }
}
