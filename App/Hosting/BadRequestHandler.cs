using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace StorybookShop.Hosting;

/// <summary>A body that is not valid JSON (or the wrong shape) is the client's mistake: 400 ProblemDetails, not
/// 500.</summary>
public sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(
        HttpContext httpContext,
        Exception exception,
        CancellationToken cancellationToken
    )
    {
        if (exception is not BadHttpRequestException bad)
            return false;
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(
            new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = new ProblemDetails
                {
                    Status = bad.StatusCode,
                    Title = "The request could not be read.",
                    Detail =
                        bad.InnerException is System.Text.Json.JsonException
                            ? "The body is not valid JSON for this endpoint."
                            : bad.Message,
                },
            }
        );
    }
}
