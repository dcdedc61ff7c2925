using FluentValidation;
using FluentValidation.Results;

namespace StorybookShop.Hosting;

/// <summary>
/// Validation in one place: every FluentValidation validator in the app is registered from the assembly, and an
/// endpoint opts in with <see cref="Validated{T}"/> — its <typeparamref name="T"/> argument is validated before the
/// handler runs, failures answering 400 ValidationProblem with the fields named as the JSON names them.
/// </summary>
public static class RequestValidation
{
    public static WebApplicationBuilder AddRequestValidation(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatorsFromAssemblyContaining<Program>(
            ServiceLifetime.Scoped,
            includeInternalTypes: true
        );
        return builder;
    }

    public static RouteHandlerBuilder Validated<T>(this RouteHandlerBuilder route) =>
        route.AddEndpointFilter<RouteHandlerBuilder, ValidationFilter<T>>().ProducesValidationProblem();

    /// <summary>Failures as ProblemDetails field errors, named as the JSON names them (camelCase paths).</summary>
    public static Dictionary<string, string[]> FieldErrors(ValidationResult result) =>
        result
            .Errors.GroupBy(e => Camel(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());

    private static string Camel(string name) =>
        string.Join(
            '.',
            name.Split('.').Select(part => part.Length == 0 ? part : char.ToLowerInvariant(part[0]) + part[1..])
        );
}
