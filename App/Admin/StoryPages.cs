using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Storage;
using StorybookShop.Stories;
using static StorybookShop.Admin.AdminUi;

namespace StorybookShop.Admin;

/// <summary>The merchant's stories inside the admin: a filtered, paged list and one story with its pages, files, ledger and actions.</summary>
public static class StoryPages
{
    public const int PageSize = 25;

    public static WebApplication MapStoryPages(this WebApplication app)
    {
        app.MapGet("/stories", ListAsync).ExcludeFromDescription();
        app.MapGet("/stories/{id:guid}", DetailAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ListAsync(HttpContext http, AppDbContext db, CancellationToken ct,
        string? status = null, DateOnly? from = null, DateOnly? to = null, string? customer = null, string? order = null, int page = 1)
    {
        var (ctx, redirect) = await AuthenticateAsync(http, ct);
        if (ctx is null) return redirect!;
        page = Math.Max(1, page);
        var query = db.Stories.AsNoTracking().Where(s => s.ShopId == ctx.Shop.Id);
        if (Enum.TryParse<StoryStatus>(status, ignoreCase: true, out var st)) query = query.Where(s => s.Status == st);
        if (from is { } f) query = query.Where(s => s.CreatedAt >= new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        if (to is { } t) query = query.Where(s => s.CreatedAt < new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        if (!string.IsNullOrWhiteSpace(customer)) query = query.Where(s => s.ShopifyCustomerId == customer.Trim());
        if (!string.IsNullOrWhiteSpace(order)) query = query.Where(s => s.ShopifyOrderId == order.Trim());
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(s => s.CreatedAt).Skip((page - 1) * PageSize).Take(PageSize)
            .Select(s => new
            {
                s.Id, s.Title, s.ChildName, s.Status, s.StagesDone, s.CreatedAt, s.ShopifyOrderId, Pages = s.Pages.Count,
                Images = s.Pages.Count(p => p.ImageStage == AssetStage.Done), Audio = s.Pages.Count(p => p.AudioStage == AssetStage.Done),
                Cost = db.Generations.Where(g => g.StoryId == s.Id).Sum(g => (decimal?)g.Cost) ?? 0m,
            }).ToListAsync(ct);

        var b = new StringBuilder();
        b.Append("<div class=\"card\"><form class=\"filters\" method=\"get\" action=\"/stories\">");
        foreach (var (k, v) in ctx.Carry) b.Append($"<input type=\"hidden\" name=\"{E(k)}\" value=\"{E(v)}\">");
        b.Append("<div><label for=\"status\">Status</label><select id=\"status\" name=\"status\"><option value=\"\">Any</option>");
        foreach (var s in Enum.GetNames<StoryStatus>()) b.Append($"<option{(string.Equals(s, status, StringComparison.OrdinalIgnoreCase) ? " selected" : "")}>{s}</option>");
        b.Append($"""
            </select></div>
            <div><label for="from">From</label><input type="date" id="from" name="from" value="{from:yyyy-MM-dd}"></div>
            <div><label for="to">To</label><input type="date" id="to" name="to" value="{to:yyyy-MM-dd}"></div>
            <div><label for="customer">Customer id</label><input id="customer" name="customer" value="{E(customer)}"></div>
            <div><label for="order">Order id</label><input id="order" name="order" value="{E(order)}"></div>
            <div><button type="submit">Filter</button></div></form></div>
            """);
        b.Append("<div class=\"card\"><table id=\"stories\"><thead><tr><th>Story</th><th>Status</th><th>Progress</th><th>Cost</th><th>Order</th><th>Created</th></tr></thead><tbody>");
        foreach (var r in rows)
        {
            var percent = r.Status == StoryStatus.Complete || r.Status == StoryStatus.Published ? 100 : StoryApi.Percent(r.StagesDone, r.Pages, r.Images, r.Audio);
            b.Append(CultureInfo.InvariantCulture, $"""
                <tr data-story="{r.Id}"><td><a href="{E(ctx.Link($"/stories/{r.Id}"))}">{E(r.Title ?? "(being written)")}</a><div class="muted">for {E(r.ChildName)}</div></td>
                <td>{Badge(r.Status.ToString())}</td><td><div class="progress" title="{percent} %"><span style="width:{percent}%"></span></div><span class="muted">{percent} %</span></td>
                <td>${r.Cost:0.00}</td><td>{E(r.ShopifyOrderId ?? "—")}</td><td>{r.CreatedAt:yyyy-MM-dd HH:mm}</td></tr>
                """);
        }
        if (rows.Count == 0) b.Append("<tr><td colspan=\"6\" class=\"muted\">No stories match.</td></tr>");
        b.Append("</tbody></table>");
        b.Append(Pager(ctx.Link, "/stories", page, total, new Dictionary<string, string?>
        {
            ["status"] = status, ["from"] = from?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["to"] = to?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["customer"] = customer, ["order"] = order,
        }));
        b.Append("</div>");
        return Page(http, ctx, "Stories", "/stories", b.ToString());
    }

    /// <summary>Previous/next links for a paged list; <paramref name="link"/> builds a URL (the admin's carries shop, host and token).</summary>
    internal static string Pager(Func<string, IDictionary<string, string?>?, string> link, string path, int page, int total, Dictionary<string, string?> query, int size = PageSize)
    {
        var pages = Math.Max(1, (total + size - 1) / size);
        string Link(int p) => E(link(path, new Dictionary<string, string?>(query) { ["page"] = p.ToString(CultureInfo.InvariantCulture) }));
        return $"<div class=\"pager\">{(page > 1 ? $"<a href=\"{Link(page - 1)}\" rel=\"prev\">← Previous</a>" : "")}<span class=\"muted\">Page {page} of {pages} · {total} in all</span>{(page < pages ? $"<a href=\"{Link(page + 1)}\" rel=\"next\">Next →</a>" : "")}</div>";
    }

    private static async Task<IResult> DetailAsync(Guid id, HttpContext http, AppDbContext db, IAssetStore assets, IOptions<StorageOptions> storage, CancellationToken ct)
    {
        var (ctx, redirect) = await AuthenticateAsync(http, ct);
        if (ctx is null) return redirect!;
        var story = await db.Stories.AsNoTracking().Include(s => s.Pages).SingleOrDefaultAsync(s => s.Id == id && s.ShopId == ctx.Shop.Id, ct);
        if (story is null) return Results.NotFound();
        var ledger = await db.Generations.AsNoTracking().Where(g => g.StoryId == id).OrderBy(g => g.CreatedAt).ToListAsync(ct);
        var life = storage.Value.UrlLifetime;
        string? Url(string? key) => key is null ? null : assets.GetUrl(key, life).ToString();
        var api = $"/api/stories/{story.Id}";

        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"""
            <div class="card"><div class="grid">
            <div><div class="muted">Status</div><div id="status">{Badge(story.Status.ToString())}</div></div>
            <div><div class="muted">For</div><div>{E(story.ChildName)}, {E(story.AgeGroup)}, {E(story.Genre)}, {E(story.Language)}</div></div>
            <div><div class="muted">Cost</div><div class="stat" id="cost">${ledger.Sum(g => g.Cost):0.00}</div></div>
            <div><div class="muted">Made in</div><div class="stat">{(story.GenerationTimeMs is { } ms ? $"{ms / 1000.0:0.0} s" : "—")}</div></div>
            </div>
            """);
        if (story.FailureReason is not null) b.Append($"<p class=\"field\"><span class=\"error\" id=\"failure\">{E(story.FailureReason)}</span></p>");
        b.Append("<p>");
        foreach (var (label, key) in new[] { ("Screen PDF", story.PdfUrl), ("Print PDF", story.PrintPdfKey), ("Read-along EPUB", story.EpubKey), ("Whole-book audio", story.AudioFiles.Count > 0 ? story.AudioFiles[^1] : null) })
            if (Url(key) is { } u) b.Append($"<a class=\"button\" href=\"{E(u)}\" target=\"_blank\" rel=\"noopener\">{label}</a> ");
        if (story.Status == StoryStatus.Error)
            b.Append($"<button data-action=\"{api}/retry\" data-done=\"Retrying\" id=\"retry\">Retry failed work</button> ");
        if (story.Status == StoryStatus.Complete)
            b.Append($"<button data-action=\"{api}/publish\" data-done=\"Publishing to your Online Store\" id=\"publish\">Publish as a product</button> ");
        if (story.Status == StoryStatus.Published)
            b.Append($"<button class=\"secondary\" data-action=\"{api}/unpublish\" data-done=\"Unpublished\" id=\"unpublish\">Unpublish</button> ");
        if (story.ShopifyProductId is { } productId && productId.StartsWith("gid://shopify/Product/", StringComparison.Ordinal))
            b.Append($"<a href=\"https://admin.shopify.com/store/{E(ctx.Domain.Replace(".myshopify.com", "", StringComparison.Ordinal))}/products/{E(productId[22..])}\" target=\"_top\">Product in Shopify</a> ");
        if (story.Status is StoryStatus.Complete or StoryStatus.Error or StoryStatus.Draft)
            b.Append($"<button class=\"critical\" data-action=\"{api}/archive\" data-confirm=\"Archive this story?\" data-done=\"Archived\" id=\"archive\">Archive</button>");
        b.Append("</p></div>");

        b.Append($"<div class=\"card\"><h2>{E(story.Title ?? "(being written)")}</h2><p>{E(story.Description)}</p><div class=\"pages\">");
        if (Url(story.CoverImage) is { } cover) b.Append($"<figure><img src=\"{E(cover)}\" alt=\"Cover\"><figcaption>Cover</figcaption></figure>");
        foreach (var p in story.Pages.OrderBy(p => p.Number))
        {
            b.Append(CultureInfo.InvariantCulture, $"<figure class=\"page\" data-page=\"{p.Number}\">");
            b.Append(Url(p.ImageKey) is { } img && p.ImageStage == AssetStage.Done ? $"<img src=\"{E(img)}\" alt=\"Page {p.Number}\">" : "<div class=\"muted\">No picture yet</div>");
            b.Append(CultureInfo.InvariantCulture, $"<figcaption><strong>Page {p.Number}</strong> · picture {Badge(p.ImageStage.ToString())} · voice {Badge(p.AudioStage.ToString())}<p>{E(p.Text)}</p>");
            if (Url(p.AudioKey) is { } audio && p.AudioStage == AssetStage.Done) b.Append($"<audio controls preload=\"none\" src=\"{E(audio)}\"></audio>");
            if (p.Error is not null) b.Append($"<p class=\"field\"><span class=\"error\">{E(p.Error)}</span></p>");
            if (story.Status is StoryStatus.Complete or StoryStatus.Error)
                b.Append(CultureInfo.InvariantCulture, $"<button class=\"secondary\" data-action=\"{api}/pages/{p.Number}/regenerate\" data-done=\"Page {p.Number} is being made again\">Regenerate page</button>");
            b.Append("</figcaption></figure>");
        }
        b.Append("</div></div>");

        b.Append("<div class=\"card\"><h2>Generation ledger</h2><table id=\"ledger\"><thead><tr><th>When</th><th>Kind</th><th>Page</th><th>Provider</th><th>Model</th><th>Duration</th><th>Cost</th><th>Result</th></tr></thead><tbody>");
        foreach (var g in ledger)
            b.Append(CultureInfo.InvariantCulture, $"""
                <tr class="{(g.Error is null ? "" : "failed")}"><td>{g.CreatedAt:HH:mm:ss}</td><td>{g.Type}</td><td>{(g.PageNumber is { } n ? (n == 0 ? "cover" : n.ToString(CultureInfo.InvariantCulture)) : "")}</td>
                <td>{E(g.Provider)}</td><td>{E(g.Model)}</td><td>{g.DurationMs / 1000.0:0.00} s</td><td>${g.Cost:0.0000}</td>
                <td>{(g.Error is null ? Badge("Succeeded") : $"{Badge("Failed")} <span class=\"error\">{E(g.Error)}</span>")}</td></tr>
                """);
        b.Append("</tbody></table></div>");
        return Page(http, ctx, story.Title ?? "Story", "/stories", b.ToString());
    }
}
