using System.Globalization;
using Microsoft.AspNetCore.Localization;
using StorybookShop.Catalog;
using StorybookShop.Shopify;
using StorybookShop.Stories;

namespace StorybookShop.Storefront;

/// <summary>
/// The language of what a shopper reads from the app: the storefront's language the theme block sends (the signed
/// <c>locale</c> of an app-proxy request), else the browser's <c>Accept-Language</c>, else English — among the
/// languages the app writes books in. Only the shopper's paths (<c>/proxy</c>, <c>/downloads</c>) are localized; the
/// admin and the API keep the invariant formats they have.
/// </summary>
public static class ShopperLanguage
{
    public const string Default = "en";

    /// <summary>The languages the app speaks to shoppers: the ones it writes books in.</summary>
    public static IReadOnlyList<string> Supported => [.. StoryCatalog.Languages.Keys];

    public static IServiceCollection AddShopperLanguage(this IServiceCollection services)
    {
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.AddSingleton<ThemeLocales>();
        return services;
    }

    public static WebApplication UseShopperLanguage(this WebApplication app)
    {
        var supported = Supported.ToArray();
        var options = new RequestLocalizationOptions
        {
            // es-MX, fr-CA → es, fr.
            FallBackToParentCultures = true,
            FallBackToParentUICultures = true,
            ApplyCurrentCultureToResponseHeaders = true,
        }
            .SetDefaultCulture(Default)
            .AddSupportedCultures(supported)
            .AddSupportedUICultures(supported);
        options.RequestCultureProviders =
        [
            new CustomRequestCultureProvider(http =>
                Task.FromResult(
                    http.Items[typeof(AppProxyRequest)] is AppProxyRequest { Locale: { } locale }
                        ? new ProviderCultureResult(locale)
                        : null
                )
            ),
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
        app.UseWhen(
            http =>
                http.Request.Path.StartsWithSegments("/proxy") || http.Request.Path.StartsWithSegments("/downloads"),
            branch => branch.UseRequestLocalization(options)
        );
        return app;
    }

    /// <summary>The two-letter language of the current request's UI culture (after the fallback above).</summary>
    public static string Current =>
        CultureInfo.CurrentUICulture.TwoLetterISOLanguageName is var l && Supported.Contains(l) ? l : Default;
}
