using StorybookShop.Shopify;
using StorybookShop.Stories;

namespace StorybookShop.Storefront;

/// <summary>Endpoints the storefront reaches through the signed app proxy.</summary>
public static class StorefrontApi
{
    public sealed record CatalogView(string Shop, bool LoggedIn, IReadOnlyList<object> AgeBands, IReadOnlyList<string> Themes,
        IReadOnlyDictionary<string, string> Languages, IReadOnlyList<object> Companions);

    public static WebApplication MapStorefront(this WebApplication app)
    {
        var proxy = app.MapAppProxy();
        // What the personalization form offers: age bands, themes, languages and companion kinds.
        proxy.MapGet("/catalog", (HttpContext http) =>
        {
            var request = AppProxy.Current(http);
            return TypedResults.Ok(new CatalogView(request.Shop, request.LoggedInCustomerId is not null,
                StoryCatalog.AgeBands.Select(b => (object)new { b.Id, b.Pages, b.WordsPerPage }).ToList(),
                StoryCatalog.Genres, StoryCatalog.Languages,
                StoryCatalog.CompanionKinds.Select(k => (object)new { k.Id, en = k.En, es = k.Es, fr = k.Fr }).ToList()));
        });
        return app;
    }
}
