using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using StorybookShop.Data;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Storefront;

/// <summary>
/// What a shopper reads from the app is in the storefront's language: the signed <c>locale</c> the block sends, else
/// Accept-Language, else English — validation errors, refusals, the catalog's names, the preview and the download page.
/// </summary>
public sealed class ShopperLanguageTests
{
    private ShopifyHarness _h = null!;
    private HttpClient _http = null!;
    private string _shop = "";

    [OneTimeSetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync(
            "shopper-language",
            new() { ["Pipeline:Roles"] = "web,worker", ["Api:DevEndpoints"] = "false" }
        );
        (_shop, _) = await _h.InstalledShopAsync();
        _http = _h.App.CreateClient();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _h.DisposeAsync();
    }

    private string Proxy(string path, string? locale) =>
        ShopifyKit.ProxyUrl(
            path,
            _shop,
            "7001",
            extra: locale is null ? null : new Dictionary<string, string> { ["locale"] = locale }
        );

    private static readonly object BadRequest = new
    {
        childName = "R2-D2!",
        ageGroup = "3-5",
        genre = "",
    };

    private async Task<(HttpResponseMessage Response, JsonElement Body)> CreateAsync(
        string url,
        object body,
        string? acceptLanguage = null
    )
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        if (acceptLanguage is not null)
            request.Headers.Add("Accept-Language", acceptLanguage);
        var response = await _http.SendAsync(request);
        return (response, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static string Error(JsonElement problem, string field) =>
        problem.GetProperty("errors").GetProperty(field)[0].GetString()!;

    [Test]
    public async Task Field_errors_come_back_in_the_storefronts_language()
    {
        var (es, spanish) = await CreateAsync(Proxy("/proxy/stories", "es"), BadRequest);
        Assert.That(es.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(
            Error(spanish, "childName"),
            Is.EqualTo("El nombre solo puede tener letras, espacios, guiones y apóstrofos.")
        );
        Assert.That(Error(spanish, "genre"), Is.EqualTo("Elige un tema."));
        Assert.That(es.Content.Headers.ContentLanguage, Is.EquivalentTo(new[] { "es" }));

        // A regional storefront (fr-CA) falls back to its language.
        var (_, french) = await CreateAsync(Proxy("/proxy/stories", "fr-CA"), BadRequest);
        Assert.That(Error(french, "genre"), Is.EqualTo("Choisissez un thème."));
    }

    [Test]
    public async Task Without_a_locale_the_browsers_language_decides_and_an_unknown_one_is_English()
    {
        var (_, french) = await CreateAsync(Proxy("/proxy/stories", null), BadRequest, "fr-FR,fr;q=0.9,en;q=0.5");
        Assert.That(Error(french, "childName"), Does.StartWith("Le prénom ne peut contenir"));

        // German is not a language the app writes books in: English, whatever the browser says.
        var (_, english) = await CreateAsync(Proxy("/proxy/stories", "de"), BadRequest, "de-DE");
        Assert.That(Error(english, "genre"), Is.EqualTo("Choose a theme."));

        // The storefront's locale wins over the browser's.
        var (_, spanish) = await CreateAsync(Proxy("/proxy/stories", "es"), BadRequest, "fr");
        Assert.That(Error(spanish, "genre"), Is.EqualTo("Elige un tema."));
    }

    [Test]
    public async Task The_admin_api_keeps_english_whatever_the_browser_says()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/stories")
        {
            Content = JsonContent.Create(BadRequest),
        };
        request.Headers.Authorization = new("Bearer", ShopifyKit.SessionToken(_shop));
        request.Headers.Add("Accept-Language", "es");
        var response = await _http.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(Error(body, "genre"), Is.EqualTo("Choose a theme."));
    }

    [TestCase("es_ES")]
    [TestCase("es;q=1")]
    [TestCase("<script>")]
    [TestCase("spanish-language-please")]
    public async Task A_locale_of_the_wrong_shape_is_refused_like_any_unsigned_request(string locale)
    {
        // Even correctly signed: a value that is not a language tag never reaches the app.
        var response = await _http.GetAsync(Proxy("/proxy/catalog", locale));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_tampered_locale_breaks_the_signature()
    {
        var url = Proxy("/proxy/catalog", "es").Replace("locale=es", "locale=fr", StringComparison.Ordinal);
        Assert.That((await _http.GetAsync(url)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task The_catalog_names_themes_in_the_shoppers_language()
    {
        var catalog = await _http.GetFromJsonAsync<JsonElement>(Proxy("/proxy/catalog", "es"));
        Assert.That(
            catalog.GetProperty("themeNames").GetProperty("fairytale").GetString(),
            Is.EqualTo("Cuento de hadas")
        );
        Assert.That(catalog.GetProperty("themes")[0].GetString(), Is.EqualTo("adventure"), "ids stay ids");
        var english = await _http.GetFromJsonAsync<JsonElement>(Proxy("/proxy/catalog", null));
        Assert.That(english.GetProperty("themeNames").GetProperty("fairytale").GetString(), Is.EqualTo("Fairy tale"));
    }

    [Test]
    public async Task The_preview_speaks_french_and_keeps_the_story_in_its_own_language()
    {
        var (created, body) = await CreateAsync(
            Proxy("/proxy/stories", "fr"),
            new
            {
                childName = "Léa",
                ageGroup = "3-5",
                genre = "ocean",
                language = "en",
            }
        );
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), body.ToString());
        var id = body.GetProperty("id").GetGuid();
        await _h.App.WaitForStoryAsync(id, s => s.Status == StoryStatus.Preview, TimeSpan.FromMinutes(2));

        var html = await _http.GetStringAsync(Proxy($"/proxy/stories/{id}/preview", "fr"));
        Assert.That(html, Does.Contain("<html lang=\"fr\""));
        Assert.That(html, Does.Contain("— aperçu</title>"));
        Assert.That(
            html,
            Does.Contain("pages de plus, la narration et le livre à imprimer arrivent avec votre commande.")
        );
        Assert.That(html, Does.Contain("<figcaption lang=\"en\">"), "the story's own text is marked English");
        var english = await _http.GetStringAsync(Proxy($"/proxy/stories/{id}/preview", null));
        Assert.That(english, Does.Contain("more pages, the narration and the printable book come with your order."));
    }

    [Test]
    public async Task The_download_page_follows_accept_language()
    {
        var (created, body) = await CreateAsync(
            Proxy("/proxy/stories", "es"),
            new
            {
                childName = "Sofía",
                ageGroup = "3-5",
                genre = "space",
                language = "es",
            }
        );
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), body.ToString());
        var id = body.GetProperty("id").GetGuid();
        var story = await _h.App.WaitForStoryAsync(id, s => s.Status == StoryStatus.Preview, TimeSpan.FromMinutes(2));
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        await using (var db = _h.App.Db())
        {
            db.Deliveries.Add(
                new Delivery
                {
                    ShopId = story.ShopId,
                    StoryId = id,
                    OrderId = "1",
                    LineItemId = "1",
                    Token = token,
                    CreatedAt = DateTimeOffset.UtcNow,
                    ExpiresAt = new DateTimeOffset(2099, 3, 5, 0, 0, 0, TimeSpan.Zero),
                }
            );
            // The page lists the files the book has; a preview has none yet, so give it its reading PDF.
            (await db.Stories.FindAsync(id))!.PdfUrl = $"test/{id}/book.pdf";
            await db.SaveChangesAsync();
        }

        async Task<string> PageAsync(string path, string language)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Accept-Language", language);
            var response = await _http.SendAsync(request);
            return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        }
        var spanish = await PageAsync($"/downloads/{token}", "es-ES,es;q=0.9");
        Assert.That(spanish, Does.Contain("El libro (PDF, para leer en pantalla)"));
        Assert.That(spanish, Does.Contain("Estos enlaces funcionan hasta el jueves, 5 de marzo de 2099."));
        Assert.That(spanish, Does.Contain($"<h1>{story.Title}</h1>"), "the book's title is never translated");
        var french = await PageAsync("/downloads/not-a-real-token-at-all-000000", "fr");
        Assert.That(french, Does.Contain("Ce lien de téléchargement n'est pas valide."));
        var english = await PageAsync($"/downloads/{token}", "en-GB");
        Assert.That(english, Does.Contain("The book (PDF, for reading on screen)"));
    }
}
