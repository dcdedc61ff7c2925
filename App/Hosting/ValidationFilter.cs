using FluentValidation;

namespace StorybookShop.Hosting;

/// <summary>Validates the endpoint's <typeparamref name="T"/> argument with its registered validator (see
/// <see cref="RequestValidation"/>).</summary>
public sealed class ValidationFilter<T> : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var argument = context.Arguments.OfType<T>().FirstOrDefault();
        if (argument is not null)
        {
            var validator = context.HttpContext.RequestServices.GetRequiredService<IValidator<T>>();
            var result = await validator.ValidateAsync(argument, context.HttpContext.RequestAborted);
            if (!result.IsValid)
                return TypedResults.ValidationProblem(RequestValidation.FieldErrors(result));
        }
        return await next(context);
    }
}
