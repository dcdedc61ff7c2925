namespace StorybookShop.Shopify;

/// <summary>A shop whose tokens Shopify refused: for a fetch, 401 with the retry header so App Bridge gets a new
/// session token.</summary>
public sealed class ShopifyAuthExceptionHandler(IProblemDetailsService problems)
    : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(
        HttpContext httpContext,
        Exception exception,
        CancellationToken cancellationToken
    )
    {
        if (exception is not ShopifyAuthException)
            return false;
        httpContext.Response.StatusCode = StatusCodes.Status401Unauthorized;
        httpContext.Response.Headers["X-Shopify-Retry-Invalid-Session-Request"] = "1";
        return await problems.TryWriteAsync(
            new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
                {
                    Status = 401,
                    Title = "The shop must authenticate again.",
                    Detail = exception.Message,
                },
            }
        );
    }
}
