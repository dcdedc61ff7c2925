using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Admin;

/// <summary>
/// Document loads inside the Shopify admin. Shopify opens the app with <c>?shop=…&amp;host=…&amp;id_token=…</c>;
/// a valid id token is exchanged on first load, anything else goes to the session-token bounce page,
/// where App Bridge fetches a fresh token and reloads the page with it.
/// </summary>
public static class AdminPages
{
    public const string BouncePath = "/session-token-bounce";

    public static WebApplication MapAdmin(this WebApplication app)
    {
        app.MapGet("/", HomeAsync).ExcludeFromDescription();
        app.MapGet(BouncePath, Bounce).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> HomeAsync(HttpContext http, AppDbContext db, Generation.ProviderCatalog providers, CancellationToken ct)
    {
        var (ctx, redirect) = await AdminUi.AuthenticateAsync(http, ct);
        if (ctx is null) return redirect!;
        var counts = await db.Stories.Where(s => s.ShopId == ctx.Shop.Id).GroupBy(s => s.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        int Count(StoryStatus s) => counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0;
        var e = (Func<string?, string>)AdminUi.E;
        var ai = providers.Available(Generation.ProviderKind.Text).Contains("openai") || providers.Available(Generation.ProviderKind.Image).Contains("openai");
        var settings = ctx.Shop.Settings;
        var steps = new (bool Done, string Text)[]
        {
            (true, $"Installed on <strong>{e(ctx.Domain)}</strong>."),
            (ai, ai ? "AI providers are configured on this server; choose them in <a href=\"" + e(ctx.Link("/settings")) + "\">Settings</a>." : "Books are made by the offline providers: set OpenAI (and ElevenLabs) keys on the server for AI text, pictures and voices."),
            (settings != new ShopSettings() || ctx.Shop.MonthlyBudgetUsd is not null, $"Review your <a href=\"{e(ctx.Link("/settings"))}\">settings</a>: providers, voice, illustration style, monthly budget."),
            (false, "Add the StorybookShop personalization block to your storybook product page (Online Store → Themes → Customize → product template → Add block → StorybookShop)."),
            (Count(StoryStatus.Complete) + Count(StoryStatus.Published) > 0, $"Make a first book and look at it in <a href=\"{e(ctx.Link("/stories"))}\">Stories</a>."),
        };
        var body = $$"""
            <div class="card"><div class="grid">
            <div><div class="muted">Books ready</div><div class="stat" id="complete">{{Count(StoryStatus.Complete) + Count(StoryStatus.Published)}}</div></div>
            <div><div class="muted">Being made</div><div class="stat" id="generating">{{Count(StoryStatus.Generating)}}</div></div>
            <div><div class="muted">Need attention</div><div class="stat" id="error">{{Count(StoryStatus.Error)}}</div></div>
            </div></div>
            <div class="card" id="setup"><h2>Set up</h2><ol>{{string.Concat(steps.Select(s => $"<li class=\"{(s.Done ? "done" : "todo")}\">{(s.Done ? "✓ " : "")}{s.Text}</li>"))}}</ol></div>
            """;
        return AdminUi.Page(http, ctx, "Welcome to StorybookShop", "/", body);
    }

    /// <summary>The page App Bridge uses to get a fresh session token and reload <c>shopify-reload</c> with it.</summary>
    private static IResult Bounce(IOptions<ShopifyOptions> options) =>
        Results.Content($"""
            <!doctype html><html><head><meta charset="utf-8">
            <meta name="shopify-api-key" content="{WebUtility.HtmlEncode(options.Value.ClientId)}">
            <script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>
            </head><body></body></html>
            """, "text/html; charset=utf-8");
}
