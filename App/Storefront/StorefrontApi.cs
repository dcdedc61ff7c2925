using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using StorybookShop.Catalog;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Hosting;
using StorybookShop.Shopify;
using StorybookShop.Storage;
using StorybookShop.Stories;

namespace StorybookShop.Storefront;

/// <summary>
/// Endpoints the storefront reaches through the signed app proxy (<c>/apps/storybook/*</c> → <c>/proxy/*</c>):
/// the personalization choices, starting a book, its status, a live progress stream, and the watermarked preview.
/// </summary>
public static class StorefrontApi
{
    /// <param name="ThemeNames">Each theme's name in the shopper's language (the ids in <paramref name="Themes"/> are
    /// what a request sends).</param>
    public sealed record CatalogView(
        string Shop,
        bool LoggedIn,
        IReadOnlyList<object> AgeBands,
        IReadOnlyList<string> Themes,
        IReadOnlyDictionary<string, string> Languages,
        IReadOnlyList<object> Companions,
        IReadOnlyDictionary<string, string> ThemeNames
    );

    public sealed record StorefrontStory(
        Guid Id,
        string Status,
        int PercentDone,
        string? Title,
        string StatusUrl,
        string EventsUrl,
        string PreviewUrl,
        bool PreviewOnly
    );

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static WebApplication MapStorefront(this WebApplication app)
    {
        var proxy = app.MapAppProxy();
        // What the personalization form offers: age bands, themes, languages and companion kinds.
        proxy.MapGet("/catalog", (HttpContext http, IStringLocalizer<ShopperText> text) =>
        {
            var request = AppProxy.Current(http);
            return TypedResults.Ok(
                new CatalogView(
                    request.Shop,
                    request.LoggedInCustomerId is not null,
                    StoryCatalog
                        .AgeBands.Select(b =>
                            (object)
                                new
                                {
                                    b.Id,
                                    b.Pages,
                                    b.WordsPerPage,
                                }
                        )
                        .ToList(),
                    StoryCatalog.Genres,
                    StoryCatalog.Languages,
                    StoryCatalog
                        .CompanionKinds.Select(k =>
                            (object)
                                new
                                {
                                    k.Id,
                                    en = k.En,
                                    es = k.Es,
                                    fr = k.Fr,
                                }
                        )
                        .ToList(),
                    StoryCatalog.Genres.ToDictionary(g => g, g => text[StoryCatalog.GenreName(g)].Value)
                )
            );
        });
        proxy.MapGet("/personalize", Personalize);
        proxy
            .MapPost("/stories", CreateAsync)
            .Validated<PersonalizationRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        proxy.MapGet("/stories/{id:guid}", StatusAsync);
        proxy.MapGet("/stories/{id:guid}/events", EventsAsync);
        proxy.MapGet("/stories/{id:guid}/preview", PreviewPageAsync);
        proxy.MapGet("/stories/{id:guid}/read", PreviewReaderAsync);
        proxy.MapGet("/stories/{id:guid}/preview/{number:int}.jpg", PreviewImageAsync);
        return app;
    }

    /// <summary>
    /// The personalization form as a page of its own (the theme block's markup and script), for trying it
    /// without a theme: reached at /apps/storybook/personalize through the proxy, or directly with a signed query.
    /// </summary>
    internal static RazorComponentResult<PersonalizePage> Personalize(HttpContext http, ThemeLocales locales)
    {
        var proxy = AppProxy.Current(http);
        // Through Shopify the proxy signs each request itself; opened directly (standalone=1, itself part of the
        // signed query) the page gets a session token of our own for its requests — never the signed query.
        var direct = Direct(http);
        var language = ShopperLanguage.Current;
        return new RazorComponentResult<PersonalizePage>(
            new
            {
                Proxy = direct ? "/proxy" : Prefix(proxy),
                Query = direct ? $"{StorefrontSessions.QueryKey}={Uri.EscapeDataString(Session(http, proxy))}" : "",
                Locale = proxy.Locale ?? language,
                Language = language,
                Strings = locales.For(language),
                ScriptStrings = locales.ScriptJson(language),
            }
        );
    }

    /// <summary>A storefront link: through the shop's proxy path, or (standalone) straight to /proxy with our session
    /// token.</summary>
    private static string Link(HttpContext http, AppProxyRequest proxy, string path) =>
        Direct(http)
            ? $"/proxy{path}?{StorefrontSessions.QueryKey}={Uri.EscapeDataString(Session(http, proxy))}"
            : Prefix(proxy) + path;

    private static bool Direct(HttpContext http) =>
        http.Request.Query["standalone"] == "1" || http.Items.ContainsKey(StorefrontSessions.QueryKey);

    /// <summary>The request's own session token, or a new one for a signed standalone request.</summary>
    private static string Session(HttpContext http, AppProxyRequest proxy) =>
        http.Items.TryGetValue(StorefrontSessions.QueryKey, out var token) && token is string t
            ? t
            : http.RequestServices.GetRequiredService<StorefrontSessions>().Issue(proxy);

    private static string Prefix(AppProxyRequest r) =>
        string.IsNullOrEmpty(r.PathPrefix) ? "/apps/storybook" : r.PathPrefix.TrimEnd('/');

    internal static async Task<Results<Accepted<StorefrontStory>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        PersonalizationRequest request,
        HttpContext http,
        AppDbContext db,
        StoryCreation creation,
        StorefrontLimits limits,
        IStringLocalizer<ShopperText> text,
        CancellationToken ct
    )
    {
        var proxy = AppProxy.Current(http);
        if (await limits.TryAcquireAsync(proxy.Shop, Shopper.Of(http, proxy), ct) is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: text["Too many books started just now."],
                detail: text["Please try again in a minute."]
            );
        }
        var shop = await db
            .Shops.AsNoTracking()
            .SingleOrDefaultAsync(s => s.Domain == proxy.Shop && s.UninstalledAt == null, ct);
        if (shop is null)
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: text["This shop does not offer personalized books."]
            );
        if (await limits.UnpaidTodayAsync(db, shop.Id, ct) >= limits.UnpaidPreviewsPerDay)
        {
            http.Response.Headers.RetryAfter = "3600";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: text["Personalized previews are paused for today."],
                detail: text["This shop has reached its daily number of previews; please try again later."]
            );
        }

        var previewOnly = shop.Settings.PreviewBeforePurchase ?? true;
        switch (
            await creation.CreateAsync(
                request,
                shop,
                story =>
                {
                    story.Released = !previewOnly;
                    story.StartedOnStorefront = true;
                    story.ShopifyCustomerId = proxy.LoggedInCustomerId;
                },
                ct
            )
        )
        {
            case StoryCreation.Flagged flagged:
                return creation.FlaggedProblem(flagged);
            case StoryCreation.NotTaking:
                // The shopper is not told about the merchant's plan.
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: text["This shop is not taking new books right now."],
                    detail: text["Please come back another day."]
                );
            case StoryCreation.OverBudget:
                // The shopper is not told about the merchant's budget.
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: text["Personalized books are not available right now."],
                    detail: text["Please try again later."]
                );
            case StoryCreation.Created { Story: var story }:
                var view = View(story.Id, story.Status, 0, null, proxy, previewOnly);
                return TypedResults.Accepted(view.StatusUrl, view);
            default:
                throw new System.Diagnostics.UnreachableException();
        }
    }

    private static StorefrontStory View(
        Guid id,
        StoryStatus status,
        int percent,
        string? title,
        AppProxyRequest proxy,
        bool previewOnly
    )
    {
        var p = Prefix(proxy);
        return new StorefrontStory(
            id,
            status.ToString(),
            percent,
            title,
            $"{p}/stories/{id}",
            $"{p}/stories/{id}/events",
            $"{p}/stories/{id}/preview",
            previewOnly
        );
    }

    private static async Task<StoryProgress?> ProgressAsync(
        AppDbContext db,
        string shop,
        Guid id,
        CancellationToken ct
    ) => (await ProgressFeed.ReadAsync(db, [id], shop, ct)).SingleOrDefault();

    internal static async Task<Results<Ok<StorefrontStory>, NotFound>> StatusAsync(
        Guid id,
        HttpContext http,
        AppDbContext db,
        CancellationToken ct
    )
    {
        var proxy = AppProxy.Current(http);
        var p = await ProgressAsync(db, proxy.Shop, id, ct);
        return p is null
            ? TypedResults.NotFound()
            : TypedResults.Ok(View(p.Id, p.Status, p.Percent, p.Title, proxy, !p.Released));
    }

    /// <summary>Server-Sent Events: a <c>progress</c> event whenever the status or percentage changes, then
    /// <c>done</c>.</summary>
    internal static async Task<IResult> EventsAsync(
        Guid id,
        HttpContext http,
        IDbContextFactory<AppDbContext> contexts,
        ProgressFeed feed,
        IOptions<StorefrontOptions> options,
        CancellationToken ct
    )
    {
        var proxy = AppProxy.Current(http);
        StoryProgress? first;
        await using (var db = await contexts.CreateDbContextAsync(ct))
            first = await ProgressAsync(db, proxy.Shop, id, ct);
        if (first is null)
            return TypedResults.NotFound();
#pragma warning disable CA2000 // owned by the response (RegisterForDispose below) and by the stream that reads it
        var watcher = feed.Watch(id, proxy.Shop, Shopper.Of(http, proxy).Key);
#pragma warning restore CA2000
        if (watcher is null)
        {
            // The block falls back to polling the status.
            http.Response.Headers.RetryAfter = "10";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many progress streams open."
            );
        }
        // Released when the request ends, even if the stream is never read (the shopper left before it began).
        http.Response.RegisterForDispose(watcher);
        http.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(ProgressEvents(first, watcher, proxy, options.Value.EventStreamLimit, ct));
    }

    /// <summary>A <c>progress</c> event per change, then <c>done</c>; the stream ends at its time limit (the block
    /// reconnects or polls) or when the shopper leaves.</summary>
    private static async IAsyncEnumerable<System.Net.ServerSentEvents.SseItem<StorefrontStory>> ProgressEvents(
        StoryProgress first,
        ProgressFeed.Watcher watcher,
        AppProxyRequest proxy,
        TimeSpan streamLimit,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct
    )
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(streamLimit);
        for (var p = first; p is not null; )
        {
            var view = View(p.Id, p.Status, p.Percent, p.Title, proxy, !p.Released);
            yield return new(view, "progress");
            if (p.Finished)
            {
                yield return new(view, "done");
                yield break;
            }
            p = await NextAsync(watcher, p, limit.Token, ct);
        }
    }

    private static async Task<StoryProgress?> NextAsync(
        ProgressFeed.Watcher watcher,
        StoryProgress current,
        CancellationToken limit,
        CancellationToken request
    )
    {
        try
        {
            StoryProgress next;
            do next = await watcher.Updates.Reader.ReadAsync(limit);
            while (next == current);
            return next;
        }
        catch (OperationCanceledException) when (!request.IsCancellationRequested)
        {
            return null; // the stream's time is up
        }
    }

    /// <summary>The shop's story with its pages, or null when it is not this shop's.</summary>
    private static Task<Story?> ShopStoryAsync(AppDbContext db, AppProxyRequest proxy, Guid id, CancellationToken ct) =>
        db
            .Stories.AsNoTracking()
            .Include(s => s.Pages)
            .SingleOrDefaultAsync(s => s.Id == id && s.Shop!.Domain == proxy.Shop, ct);

    /// <summary>The preview: the title, cover and first pages, pictures watermarked and small; the whole book comes
    /// with the order.</summary>
    internal static async Task<IResult> PreviewPageAsync(
        Guid id,
        HttpContext http,
        AppDbContext db,
        IOptions<GenerationOptions> generation,
        IOptions<Publishing.PublishingOptions> publishing,
        CancellationToken ct
    )
    {
        var proxy = AppProxy.Current(http);
        var story = await ShopStoryAsync(db, proxy, id, ct);
        if (story is null)
            return Results.NotFound();
        var shop = await db.Shops.AsNoTracking().SingleAsync(s => s.Id == story.ShopId, ct);
        return new RazorComponentResult<PreviewPage>(
            new
            {
                // What the book costs, and the variant the block's shopper chose (its shape checked with the signed
                // query): the page adds that variant with the story to the shop's own cart. Releasing the book still
                // needs a paid line of a book product at this price (orders/paid).
                Price = shop.Settings.Price ?? publishing.Value.DefaultPrice,
                Currency = shop.CurrencyCode,
                Variant = http.Request.Query["variant"].ToString() is { Length: > 0 } v ? v : null,
                Buyable = !story.Released && shop.Settings.BookProductIds is { Count: > 0 },
                Story = story,
                Pages = story.Pages.OrderBy(p => p.Number).Take(generation.Value.PreviewPages).ToList(),
                Picture = (Func<int, string>)(n => Link(http, proxy, $"/stories/{id}/preview/{n}.jpg")),
                ReadUrl = Link(http, proxy, $"/stories/{id}/read"),
            }
        );
    }

    /// <summary>The preview in the read-along reader: the preview's pages and stamped pictures, no narration (it comes
    /// with the order).</summary>
    internal static async Task<IResult> PreviewReaderAsync(
        Guid id,
        HttpContext http,
        AppDbContext db,
        IOptions<GenerationOptions> generation,
        CancellationToken ct
    )
    {
        var proxy = AppProxy.Current(http);
        var story = await ShopStoryAsync(db, proxy, id, ct);
        if (story is null)
            return Results.NotFound();
        var shown = story.Pages.OrderBy(p => p.Number).Take(generation.Value.PreviewPages).ToList();
        return new RazorComponentResult<Reader.ReaderPage>(
            new
            {
                Book = Reader.ReaderManifest.For(
                    story,
                    shown,
                    _ => "",
                    n =>
                        n == 0
                            ? story.CoverImage is null
                                ? null
                                : Link(http, proxy, $"/stories/{id}/preview/0.jpg")
                            : shown.Single(p => p.Number == n).ImageStage == AssetStage.Done
                                ? Link(http, proxy, $"/stories/{id}/preview/{n}.jpg")
                                : null,
                    preview: true
                ),
            }
        );
    }

    /// <summary>A preview picture: the real one made small (480 px) and stamped PREVIEW, so it is no substitute for the
    /// book.</summary>
    internal static async Task<IResult> PreviewImageAsync(
        Guid id,
        int number,
        HttpContext http,
        AppDbContext db,
        IAssetStore assets,
        IOptions<GenerationOptions> generation,
        CancellationToken ct
    )
    {
        var proxy = AppProxy.Current(http);
        if (number < 0 || number > generation.Value.PreviewPages)
            return Results.NotFound();
        var story = await ShopStoryAsync(db, proxy, id, ct);
        var source =
            number == 0
                ? story?.CoverImage
                : story?.Pages.SingleOrDefault(p => p.Number == number && p.ImageStage == AssetStage.Done)?.ImageKey;
        if (story is null || source is null)
            return Results.NotFound();
        var key = AssetKeys.StoryPrefix(story.ShopId, story.Id) + $"preview/{number:D2}.jpg";
        var cached = await assets.GetAsync(key, ct);
        if (cached is null)
        {
            var original = await assets.GetAsync(source, ct)
                ?? throw new InvalidOperationException($"Asset {source} is missing.");
            var heads = await PreviewHeads.ForAsync(db, story, number, generation.Value.PreviewPages, ct);
            cached = await Task.Run(() => PreviewWatermark.Jpeg(original, heads), ct);
            await assets.PutAsync(key, cached, "image/jpeg", ct);
        }
        http.Response.Headers.CacheControl = "private, max-age=300";
        return Results.File(cached, "image/jpeg");
    }
}
