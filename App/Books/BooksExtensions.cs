using StorybookShop.Generation;
using StorybookShop.Rendering;

namespace StorybookShop.Books;

public static class BooksExtensions
{
    /// <summary>The book: its stage in the pipeline (layout, PDFs, EPUB, colouring book), the browser that lays it out,
    /// and the print package.</summary>
    public static WebApplicationBuilder AddBooks(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services
            .AddOptions<ChromiumOptions>()
            .Bind(builder.Configuration.GetSection(ChromiumOptions.Section))
            .Validate(o => o.PagePoolSize >= 1, "Chromium:PagePoolSize must be at least 1.")
            .Validate(
                o => o.Sandbox is "auto" or "required" or "off",
                "Chromium:Sandbox must be auto, required or off."
            )
            .ValidateOnStart();
        services.AddSingleton<Chromium>();
        services.AddSingleton<BookRenderer>();
        services.AddSingleton<PrintPackage>();
        services.AddSingleton<PrintPictures>();
        services.AddSingleton<IPipelineStage, BookStage>();
        return builder;
    }
}
