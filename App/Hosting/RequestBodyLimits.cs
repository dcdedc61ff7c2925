using Microsoft.AspNetCore.Http.Features;

namespace StorybookShop.Hosting;

/// <summary>
/// Bodies on /proxy, /api, /auth and the jobs dashboards (their commands are forms of job ids) are capped at what a
/// request there can need (webhooks keep their own 2 MB):
/// a larger declared length is 413 before anything is read, and Kestrel stops a longer chunked body at the cap.
/// </summary>
public static class RequestBodyLimits
{
    public const long MaxBody = 32 * 1024;

    public static WebApplication UseRequestBodyLimits(this WebApplication app)
    {
        app.UseWhen(
            http =>
                http.Request.Path.StartsWithSegments("/proxy")
                || http.Request.Path.StartsWithSegments("/api")
                || http.Request.Path.StartsWithSegments("/auth")
                || http.Request.Path.StartsWithSegments(Dashboard.DashboardExtensions.ShopPath)
                || http.Request.Path.StartsWithSegments(Dashboard.DashboardExtensions.OperatorPath),
            branch =>
                branch.Use(
                    async (http, next) =>
                    {
                        if (http.Request.ContentLength > MaxBody)
                        {
                            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                            await http.Response.WriteAsJsonAsync(
                                new Microsoft.AspNetCore.Mvc.ProblemDetails
                                {
                                    Status = 413,
                                    Title = $"The request body is larger than {MaxBody / 1024} KB.",
                                },
                                (System.Text.Json.JsonSerializerOptions?)null,
                                "application/problem+json"
                            );
                            return;
                        }
                        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                            limit.MaxRequestBodySize = MaxBody;
                        await next(http);
                    }
                )
        );
        return app;
    }
}
