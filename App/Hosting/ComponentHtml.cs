using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace StorybookShop.Hosting;

/// <summary>
/// Renders a Razor component to an HTML string outside a request (the book a job lays out). Pages answer with
/// <see cref="Microsoft.AspNetCore.Http.HttpResults.RazorComponentResult{TComponent}"/>; both encode every value by
/// construction.
/// </summary>
public sealed class ComponentHtml(IServiceScopeFactory scopes, ILoggerFactory loggers)
{
    public async Task<string> RenderAsync<TComponent>(IReadOnlyDictionary<string, object?> parameters)
        where TComponent : IComponent
    {
        // The renderer resolves scoped services (as in a request): one scope per document.
        await using var scope = scopes.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (
                await renderer.RenderComponentAsync<TComponent>(
                    ParameterView.FromDictionary(new Dictionary<string, object?>(parameters))
                )
            ).ToHtmlString()
        );
    }
}
