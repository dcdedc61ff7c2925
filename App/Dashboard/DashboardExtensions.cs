using Hangfire;
using Hangfire.Dashboard;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using StorybookShop.Admin;
using StorybookShop.Data;

namespace StorybookShop.Dashboard;

/// <summary>
/// Hangfire's own dashboard, twice: each merchant's, inside the Shopify admin, showing only their shop's jobs
/// (<see cref="ShopJobStorage"/>, authenticated by a <see cref="DashboardTickets">ticket</see> in the path); and the
/// operator's, unscoped and read-write, behind HTTP Basic credentials (absent unless configured).
/// </summary>
public static partial class DashboardExtensions
{
    public const string ShopPath = "/jobs-dashboard";
    public const string OperatorPath = "/ops/jobs";

    public static WebApplicationBuilder AddJobsDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DashboardTickets>();
        builder.Services.AddSingleton<OperatorAccess.Failures>();
        builder.Services.AddAntiforgery();
        builder.Services.AddOptions<OperatorOptions>().Bind(builder.Configuration.GetSection(OperatorOptions.Section));
        return builder;
    }

    public static WebApplication MapJobsDashboard(this WebApplication app)
    {
        // The admin's Jobs link: a document load authenticated by its session token gets a ticket and goes to its
        // dashboard.
        app.MapAdminPages().MapGet("/jobs", (AdminSession session, DashboardTickets tickets) =>
            Results.Redirect($"{ShopPath}/{tickets.Issue(session.Context.Shop.Id)}/"));

        var storage = app.Services.GetRequiredService<JobStorage>();
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        var tickets = app.Services.GetRequiredService<DashboardTickets>();
        var routes = app.Services.GetRequiredService<Hangfire.Dashboard.RouteCollection>();
        var shopOptions = new DashboardOptions
        {
            Authorization = [], // the ticket is checked before Hangfire sees the request
            AsyncAuthorization = [],
            IgnoreAntiforgeryToken = true, // no ambient credential: the ticket in the path is the secret
            DisplayStorageConnectionString = false,
            DashboardTitle = "Book jobs",
            AppPath = null,
        };
        app.Map(ShopPath, branch => branch.Run(async http =>
        {
            var path = http.Request.Path.Value ?? "";
            var end = path.IndexOf('/', 1);
            var ticket = end < 0 ? path.TrimStart('/') : path[1..end];
            var shop = tickets.Validate(ticket) is { } id ? await InstalledShopAsync(http, id) : null;
            NoReferrer(http);
            if (shop is null)
            {
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync(
                    "This jobs link has expired or is not valid: open Jobs again from StorybookShop in your Shopify " +
                        "admin.");
                return;
            }
            http.Response.Headers.ContentSecurityPolicy = http.RequestServices.GetRequiredService<IOptions<Shopify.ShopifyOptions>>().Value
                .FrameAncestors(shop.Domain);
            http.Request.PathBase = http.Request.PathBase.Add("/" + ticket);
            http.Request.Path = end < 0 ? "/" : path[end..];
            var dashboard = new AspNetCoreDashboardMiddleware(NotFound, new ShopJobStorage(storage, dataSource,
                shop.Id), shopOptions, routes,
                finalizeWhenNotFound: true);
            await dashboard.Invoke(http);
        }));

        var operatorOptions = new DashboardOptions
        {
            Authorization = [], // HTTP Basic is checked before Hangfire sees the request
            AsyncAuthorization = [],
            DisplayStorageConnectionString = false,
            DashboardTitle = "StorybookShop jobs · all shops",
            AppPath = null,
        };
        app.Map(OperatorPath, branch => branch.Run(async http =>
        {
            var o = http.RequestServices.GetRequiredService<IOptionsMonitor<OperatorOptions>>().CurrentValue;
            switch (OperatorAccess.Check(http, o))
            {
                case OperatorAccess.Outcome.Disabled:
                    http.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                case OperatorAccess.Outcome.Refused:
                    Log.OperatorSignInRefusedFrom(http.RequestServices.GetRequiredService<ILoggerFactory>()
                        .CreateLogger("StorybookShop.Operator"), http.Connection.RemoteIpAddress);
                    http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return;
                case OperatorAccess.Outcome.Throttled:
                    http.Response.Headers.RetryAfter = ((int)OperatorAccess.Window.TotalSeconds)
                        .ToString(System.Globalization.CultureInfo.InvariantCulture);
                    http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    return;
            }
            NoReferrer(http);
            await new AspNetCoreDashboardMiddleware(NotFound, storage, operatorOptions, routes,
                finalizeWhenNotFound: true).Invoke(http);
        }));
        return app;
    }

    private static Task NotFound(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private static void NoReferrer(HttpContext http)
    {
        // The ticket is in the URL: it must not leak through Referer headers or caches.
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
    }

    private static async Task<Shop?> InstalledShopAsync(HttpContext http, Guid shopId)
    {
        await using var db = await http.RequestServices.GetRequiredService<IDbContextFactory<AppDbContext>>()
            .CreateDbContextAsync(http.RequestAborted);
        return await db.Shops.AsNoTracking().SingleOrDefaultAsync(s => s.Id == shopId && s.UninstalledAt == null,
            http.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Operator sign-in refused from {Address}")]
        public static partial void OperatorSignInRefusedFrom(ILogger logger, System.Net.IPAddress? address);
    }
}
