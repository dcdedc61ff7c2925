using Hangfire;
using Hangfire.Dashboard;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using StorybookShop.Admin;
using StorybookShop.Data;
using StorybookShop.Jobs;
using StorybookShop.Shopify;

namespace StorybookShop.Dashboard;

/// <summary>
/// Hangfire's own dashboard, twice: each merchant's, inside the Shopify admin, showing only their shop's jobs
/// (<see cref="ShopJobStorage"/>, authenticated by a <see cref="DashboardTickets">ticket</see> in the path); and the
/// operator's, unscoped and read-write, behind the Operator policy (HTTP Basic; absent unless configured).
/// </summary>
public static class DashboardExtensions
{
    public const string ShopPath = "/jobs-dashboard";
    public const string OperatorPath = Jobs.StoryJobNameAttribute.OperatorPath;
    private const string OperatorSignIn = "operator-sign-in";
    public const int OperatorSignInAttempts = 5;
    public static readonly TimeSpan OperatorSignInWindow = TimeSpan.FromMinutes(5);

    public static WebApplicationBuilder AddJobsDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DashboardTickets>();
        JobPageSummary.Register();
        builder
            .Services.AddOptions<TicketOptions>()
            .Bind(builder.Configuration.GetSection(TicketOptions.Section))
            .Validate(
                o => o.TicketIdleLifetime > TimeSpan.Zero && o.TicketMaxLifetime >= o.TicketIdleLifetime,
                "Dashboard:TicketIdleLifetime must be positive and no longer than Dashboard:TicketMaxLifetime."
            )
            .ValidateOnStart();
        builder.Services.AddAntiforgery();
        builder.Services.AddOptions<OperatorOptions>().Bind(builder.Configuration.GetSection(OperatorOptions.Section));
        builder
            .Services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, OperatorAuthentication>(
                OperatorAuthentication.SchemeName,
                null
            );
        builder
            .Services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, DashboardTicketAuthentication>(
                DashboardTicketAuthentication.SchemeName,
                null
            );
        builder
            .Services.AddAuthorizationBuilder()
            .AddPolicy(OperatorAuthentication.Policy, p =>
                p.AddAuthenticationSchemes(OperatorAuthentication.SchemeName).RequireAuthenticatedUser()
            )
            .AddPolicy(DashboardTicketAuthentication.Policy, p =>
                p.AddAuthenticationSchemes(DashboardTicketAuthentication.SchemeName)
                    .RequireClaim(DashboardTicketAuthentication.ShopIdClaim)
            );
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = ((int)OperatorSignInWindow.TotalSeconds).ToString(
                    System.Globalization.CultureInfo.InvariantCulture
                );
                return ValueTask.CompletedTask;
            };
            // Wrong guesses are limited per address and name tried; the right credentials never are, so nobody
            // behind the same proxy address can lock the operator out by guessing.
            o.AddPolicy(OperatorSignIn, http =>
            {
                var operators = http
                    .RequestServices.GetRequiredService<IOptionsMonitor<OperatorOptions>>()
                    .CurrentValue;
                var presented = OperatorAuthentication.Presented(http.Request);
                if (presented is not null && OperatorAuthentication.Valid(presented, operators))
                    return System.Threading.RateLimiting.RateLimitPartition.GetNoLimiter("operator");
                // A request with no credentials is the browser asking for them: it costs nothing.
                if (presented is null)
                    return System.Threading.RateLimiting.RateLimitPartition.GetNoLimiter("ask");
                return System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(
                    $"{Hosting.ClientAddress.Of(http)}|{presented.User}",
                    _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions
                    {
                        PermitLimit = OperatorSignInAttempts,
                        Window = OperatorSignInWindow,
                        QueueLimit = 0,
                    }
                );
            });
        });
        return builder;
    }

    /// <summary>
    /// A merchant's job page without Hangfire's code view of the job (the C# call, with the app's type and method
    /// names): the page is read whole and a rule that hides it goes into its head. The operator's pages keep it.
    /// </summary>
    private static async Task WithoutCallAsync(HttpContext http, AspNetCoreDashboardMiddleware dashboard)
    {
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await dashboard.Invoke(http);
        }
        finally
        {
            http.Response.Body = original;
        }
        var page = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        if (http.Response.ContentType?.StartsWith("text/html", StringComparison.Ordinal) == true)
            page = page.Replace(
                "</head>",
                "<style>.job-snippet{display:none}</style></head>",
                StringComparison.Ordinal
            );
        http.Response.ContentLength = null;
        await http.Response.WriteAsync(page);
    }

    public static WebApplication MapJobsDashboard(this WebApplication app)
    {
        // The admin's Jobs link: a document load authenticated by its session token gets a ticket and goes to its
        // dashboard.
        app.MapShopPages()
            .MapGet("/jobs", async (AdminContext admin, DashboardTickets tickets, CancellationToken ct) =>
                Results.Redirect($"{ShopPath}/{await tickets.IssueAsync(admin.Shop.Id,
                ct)}/")
            );

        var storage = app.Services.GetRequiredService<JobStorage>();
        var tables = app.Services.GetRequiredService<HangfireTables>();
        var routes = app.Services.GetRequiredService<Hangfire.Dashboard.RouteCollection>();
        var shopOptions = new DashboardOptions
        {
            Authorization = [], // the ticket scheme is checked before Hangfire sees the request
            AsyncAuthorization = [],
            IgnoreAntiforgeryToken = true, // no ambient credential: the ticket in the path is the secret
            DisplayStorageConnectionString = false,
            DashboardTitle = "Book jobs",
            AppPath = null,
        };
        // Each merchant's dashboard: an endpoint behind the ticket scheme; Hangfire sees the ticket as part of its
        // PathBase, so every link, stylesheet, poll and command it builds keeps it.
        var pipeline = ((IEndpointRouteBuilder)app)
            .CreateApplicationBuilder()
            .Use(
                async (HttpContext http, RequestDelegate next) =>
                {
                    var prefix = $"{ShopPath}/{http.GetRouteValue("ticket")}";
                    var path = http.Request.Path.Value ?? "";
                    http.Request.PathBase = http.Request.PathBase.Add(prefix);
                    http.Request.Path = path.Length > prefix.Length ? path[prefix.Length..] : "/";
                    // A shop has no recurring jobs: their commands are refused here, not by an exception inside
                    // Hangfire.
                    if (HttpMethods.IsPost(http.Request.Method) && http.Request.Path.StartsWithSegments("/recurring"))
                    {
                        http.Response.StatusCode = StatusCodes.Status403Forbidden;
                        return;
                    }
                    var shopId = Guid.Parse(http.User.FindFirst(DashboardTicketAuthentication.ShopIdClaim)!.Value);
                    var dashboard = new AspNetCoreDashboardMiddleware(
                        next,
                        new ShopJobStorage(storage, tables, shopId),
                        shopOptions,
                        routes,
                        finalizeWhenNotFound: true
                    );
                    if (HttpMethods.IsGet(http.Request.Method) && http.Request.Path.StartsWithSegments("/jobs/details"))
                        await WithoutCallAsync(http, dashboard);
                    else
                        await dashboard.Invoke(http);
                }
            )
            .Use((RequestDelegate _) => NotFound)
            .Build();
        app.Map($"{ShopPath}/{{ticket}}/{{**path}}", pipeline)
            .ExcludeFromDescription()
            .RequireAuthorization(DashboardTicketAuthentication.Policy)
            .WithMetadata(new ShopPolicies.EmbeddedFraming(secretInUrl: true));
        // No ticket at all: the same refusal as an expired one.
        app.Map(ShopPath, NotFound)
            .ExcludeFromDescription()
            .RequireAuthorization(DashboardTicketAuthentication.Policy);

        var operatorOptions = new DashboardOptions
        {
            DisplayStorageConnectionString = false,
            DashboardTitle = "StorybookShop jobs · all shops",
            AppPath = null,
        };
        // The operator's dashboard is an endpoint like any other: the Operator policy (HTTP Basic through
        // OperatorAuthentication), the sign-in rate limit, and no framing (SecurityHeaders).
        app.MapHangfireDashboardWithAuthorizationPolicy(
                OperatorAuthentication.Policy,
                OperatorPath,
                operatorOptions,
                storage
            )
            .RequireRateLimiting(OperatorSignIn)
            .WithMetadata(Hosting.ResponseSecurity.Operator);
        return app;
    }

    private static Task NotFound(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
