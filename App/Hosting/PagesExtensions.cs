using Microsoft.Extensions.FileProviders;

namespace StorybookShop.Hosting;

/// <summary>Pages are Razor components; their CSS and scripts are static files under <c>/static</c>.</summary>
public static class PagesExtensions
{
    public static WebApplicationBuilder AddPages(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        // Letters stay letters in the pages (“aperçu”, not “aper&#xE7;u”): the encoder still escapes what HTML and
        // attributes need, it just no longer escapes every non-ASCII character.
        builder.Services.AddWebEncoders(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(
                System.Text.Unicode.UnicodeRanges.All
            )
        );
        builder.Services.AddSingleton<ComponentHtml>();
        return builder;
    }

    public static WebApplication UsePageAssets(this WebApplication app)
    {
        app.UseStaticFiles(
            new StaticFileOptions
            {
                RequestPath = "/static",
                FileProvider = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "static")),
            }
        );
        return app;
    }
}
