using Polly.CircuitBreaker;

namespace StorybookShop.Shopify;

/// <summary>
/// Shopify could not be reached (no connection, a timeout, a 5xx or 429 after the retries, the circuit open, or a
/// GraphQL error Shopify names as its own): a merchant gets 503 with what happened and what to try — as a page for
/// an admin page, as ProblemDetails for a fetch — instead of a bare 500.
/// </summary>
public sealed class ShopifyUnavailableExceptionHandler(IProblemDetailsService problems)
    : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public const string Title = "Shopify could not be reached.";

    public const string Detail =
        "The app could not talk to Shopify just now, so nothing was changed. Try again in a minute; if it keeps "
        + "happening, Shopify's status page (https://www.shopifystatus.com) says whether Shopify is having trouble.";

    public async ValueTask<bool> TryHandleAsync(
        HttpContext httpContext,
        Exception exception,
        CancellationToken cancellationToken
    )
    {
        var (http, ct) = (httpContext, cancellationToken);
        if (!IsShopifyUnavailable(exception) || http.Response.HasStarted)
            return false;
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "60";
        if (IsPage(http))
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync(
                "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Shopify could not be reached</title>"
                    + "<body style=\"font-family:system-ui,sans-serif;margin:2rem;max-width:40rem\">"
                    + $"<h1 style=\"font-size:1.3rem\">{Title}</h1><p>{System.Net.WebUtility.HtmlEncode(Detail)}</p>"
                    + "<p><a href=\"javascript:location.reload()\">Try again</a></p></body></html>",
                ct
            );
            return true;
        }
        return await problems.TryWriteAsync(
            new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = Title,
                    Detail = Detail,
                },
            }
        );
    }

    private static bool IsShopifyUnavailable(Exception e) =>
        e is HttpRequestException or BrokenCircuitException or TimeoutException
        || e is ShopifyGraphQLException { IsPermanent: false }
        || (e is TaskCanceledException && e.InnerException is TimeoutException);

    /// <summary>A page the browser navigates to (or the admin's frame loads), not a fetch.</summary>
    private static bool IsPage(HttpContext http) =>
        http.Request.Headers["Sec-Fetch-Dest"] is var dest && (dest == "document" || dest == "iframe")
        || (
            http.Request.Method == HttpMethods.Get
            && !http.Request.Path.StartsWithSegments("/api")
            && http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal)
        );
}
