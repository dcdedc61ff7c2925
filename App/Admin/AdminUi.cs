using System.Net;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Admin;

/// <summary>One authenticated admin page request: the shop, and the query every link inside the admin carries on.</summary>
public sealed record AdminContext(Shop Shop, string Domain, string IdToken, IReadOnlyDictionary<string, string?> Carry)
{
    /// <summary>A link to another admin page, keeping shop, host and the current id token (App Bridge renews it via the bounce page).</summary>
    public string Link(string path, IDictionary<string, string?>? query = null)
    {
        var all = new Dictionary<string, string?>(Carry);
        foreach (var (k, v) in query ?? new Dictionary<string, string?>()) if (!string.IsNullOrEmpty(v)) all[k] = v;
        return QueryHelpers.AddQueryString(path, all.Where(kv => !string.IsNullOrEmpty(kv.Value)));
    }
}

/// <summary>
/// Server-rendered pages inside the Shopify admin iframe: authentication from the <c>id_token</c> Shopify
/// adds to document loads (a missing or stale one goes through the session-token bounce), the admin's
/// frame-ancestors policy, App Bridge and Polaris from Shopify's CDN, and a layout that looks and works
/// the same when those scripts cannot load. Actions call the JSON API with a fresh session token from
/// App Bridge, or the page's own token when App Bridge is not there.
/// </summary>
public static class AdminUi
{
    public static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    public static async Task<(AdminContext? Context, IResult? Redirect)> AuthenticateAsync(HttpContext http, CancellationToken ct)
    {
        var services = http.RequestServices;
        var shop = http.Request.Query["shop"].ToString();
        var idToken = http.Request.Query["id_token"].ToString();
        var db = services.GetRequiredService<AppDbContext>();
        Dictionary<string, string?> Carry(string token) => new()
        {
            ["shop"] = shop, ["host"] = http.Request.Query["host"].ToString(), ["embedded"] = http.Request.Query["embedded"].ToString(), ["id_token"] = token,
        };

        // Local development without Shopify: no token (and no other shop) means the seeded dev shop.
        var config = services.GetRequiredService<IConfiguration>();
        if (idToken.Length == 0 && (shop.Length == 0 || shop == DataExtensions.DevShopDomain) &&
            config.GetValue("Api:DevEndpoints", services.GetRequiredService<IWebHostEnvironment>().IsDevelopment()))
        {
            shop = DataExtensions.DevShopDomain;
            var dev = await ShopAccess.EnsureDevShopAsync(db, services.GetRequiredService<TimeProvider>(), ct);
            return (new AdminContext(dev, shop, "", Carry("")), null);
        }

        if (!ShopifySignatures.IsShopDomain(shop))
            return (null, Results.Problem(statusCode: 400, title: "Open StorybookShop from your Shopify admin.", detail: "The shop parameter is missing or is not a myshopify.com domain."));
        var (session, _) = idToken.Length > 0 ? await services.GetRequiredService<SessionTokenValidator>().ValidateAsync(idToken) : (null, null);
        if (session is null || !string.Equals(session.Shop, shop, StringComparison.OrdinalIgnoreCase))
        {
            // Shopify's bounce: reload this URL (without the stale token) once App Bridge has a new one.
            var reload = QueryHelpers.AddQueryString(http.Request.Path, http.Request.Query.Where(q => q.Key != "id_token").ToDictionary(q => q.Key, q => (string?)q.Value.ToString()));
            return (null, Results.Redirect(QueryHelpers.AddQueryString(AdminPages.BouncePath, new Dictionary<string, string?> { ["shop"] = shop, ["shopify-reload"] = reload })));
        }
        var row = await ShopAccess.EnsureInstalledAsync(db, services.GetRequiredService<ShopifyTokens>(), session, ct);
        if (ShopifyScopes.NotGranted(row.Scopes) is { Count: > 0 } missing)
            return (null, Reapproval(services.GetRequiredService<IOptions<ShopifyOptions>>().Value, missing));
        http.Response.Headers.ContentSecurityPolicy = services.GetRequiredService<IOptions<ShopifyOptions>>().Value.FrameAncestors(session.Shop);
        return (new AdminContext(row, session.Shop, idToken, Carry(idToken)), null);
    }

    /// <summary>
    /// Shopify's managed re-approval: this release needs scopes the shop has not granted; App Bridge asks the merchant
    /// (<c>shopify.scopes.request</c>) and the page reloads with the new grant (app/scopes_update records it too).
    /// </summary>
    private static IResult Reapproval(ShopifyOptions o, IReadOnlyList<string> missing) => Results.Content($"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Approve new permissions</title>
        <meta name="shopify-api-key" content="{E(o.ClientId)}"><script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>
        <style>body{"{"}font-family:sans-serif;max-width:40rem;margin:2rem auto;color:#303030{"}"}</style></head>
        <body><h1>StorybookShop needs your approval</h1>
        <p>This version of the app needs permissions your store has not granted yet:</p>
        <ul id="scopes">{string.Concat(missing.Select(s => $"<li><code>{E(s)}</code></li>"))}</ul>
        <button id="approve" type="button">Review and approve</button>
        <script>
          document.getElementById('approve').addEventListener('click', async () => {"{"}
            const result = await shopify.scopes.request({System.Text.Json.JsonSerializer.Serialize(missing)});
            if (result.result === 'granted-all') location.reload();
          {"}"});
        </script></body></html>
        """, "text/html; charset=utf-8");

    /// <summary>The page around <paramref name="body"/>: title bar, navigation, Polaris-like styles, the API helper script.</summary>
    public static IResult Page(HttpContext http, AdminContext ctx, string title, string active, string body)
    {
        var clientId = http.RequestServices.GetRequiredService<IOptions<ShopifyOptions>>().Value.ClientId;
        var nav = new StringBuilder();
        foreach (var (path, label) in new[] { ("/", "Home"), ("/stories", "Stories"), ("/jobs", "Jobs"), ("/settings", "Settings") })
            nav.Append($"<a href=\"{E(ctx.Link(path))}\" class=\"{(path == active ? "active" : "")}\">{label}</a>");
        var html = $$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="shopify-api-key" content="{{E(clientId)}}">
            <meta name="id-token" content="{{E(ctx.IdToken)}}">
            <script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>
            <script src="https://cdn.shopify.com/shopifycloud/polaris.js"></script>
            <title>{{E(title)}} · StorybookShop</title>
            <style>{{Css}}</style></head>
            <body><header><strong>StorybookShop</strong><nav>{{nav}}</nav><span class="shop">{{E(ctx.Domain)}}</span></header>
            <main><h1>{{E(title)}}</h1>{{body}}</main>
            <div id="toast" role="status" aria-live="polite"></div>
            <script>{{Script}}</script></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    public static string Badge(string status) => $"<span class=\"badge {E(status.ToLowerInvariant())}\">{E(status)}</span>";

    private const string Css = """
        :root{--bg:#f1f1f1;--card:#fff;--text:#303030;--muted:#616161;--border:#e3e3e3;--accent:#303030;--critical:#8e1f0b;--success:#0c5132}
        *{box-sizing:border-box}body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"San Francisco","Segoe UI",Roboto,"Helvetica Neue",sans-serif;font-size:13px;background:var(--bg);color:var(--text)}
        header{display:flex;gap:1.5rem;align-items:center;background:#1a1a1a;color:#fff;padding:.6rem 1.25rem}header nav a{color:#e3e3e3;text-decoration:none;margin-right:1rem;padding:.25rem .5rem;border-radius:8px}
        header nav a.active,header nav a:hover{background:#303030;color:#fff}header .shop{margin-left:auto;color:#b5b5b5}
        main{max-width:72rem;margin:0 auto;padding:1.25rem}h1{font-size:20px;margin:.25rem 0 1rem}h2{font-size:14px;margin:0 0 .75rem}
        .card{background:var(--card);border-radius:12px;box-shadow:0 1px 0 rgba(26,26,26,.07),0 0 0 1px var(--border);padding:1rem;margin-bottom:1rem}
        .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.75rem}.stat{font-size:22px;font-weight:650}.muted{color:var(--muted)}
        table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:.5rem;border-bottom:1px solid var(--border);vertical-align:top}th{color:var(--muted);font-weight:550}
        a{color:#005bd3}.badge{display:inline-block;border-radius:8px;padding:.1rem .5rem;background:#e3e3e3;font-weight:550}
        .badge.complete,.badge.succeeded,.badge.published{background:#cdfee1;color:var(--success)}.badge.error,.badge.failed{background:#fedad9;color:var(--critical)}
        .badge.generating,.badge.processing,.badge.retrying{background:#fff1e3;color:#5e4200}.badge.scheduled,.badge.preview{background:#eaf4ff;color:#00527c}
        button,.button{font:inherit;border:0;border-radius:8px;padding:.4rem .75rem;background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
        button.secondary{background:#fff;color:var(--text);box-shadow:0 0 0 1px var(--border)}button.critical{background:var(--critical)}
        form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}label{display:block;font-weight:550;margin-bottom:.25rem}
        input,select,textarea{font:inherit;padding:.4rem .5rem;border:1px solid #8a8a8a;border-radius:8px;background:#fff;min-width:10rem}
        .grid input{min-width:0;width:100%}.field{margin-bottom:.75rem}.field .error{color:var(--critical);margin-top:.25rem}.field.invalid input,.field.invalid select{border-color:var(--critical)}
        .pages{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:.75rem}.pages img{width:100%;border-radius:8px;aspect-ratio:1;object-fit:cover;background:#eee}
        .progress{background:#e3e3e3;border-radius:8px;height:.5rem;width:8rem;overflow:hidden}.progress span{display:block;height:100%;background:#303030}
        pre{white-space:pre-wrap;background:#f7f7f7;border-radius:8px;padding:.75rem;max-height:24rem;overflow:auto}
        #toast{position:fixed;bottom:1rem;left:50%;transform:translateX(-50%);background:#303030;color:#fff;padding:.5rem 1rem;border-radius:8px;display:none}
        figure{margin:0}audio{width:100%;margin:.25rem 0}a.counter{text-decoration:none;color:inherit;border-radius:8px;padding:.25rem}a.counter:hover{background:#f7f7f7}
        .chart{max-width:40rem}.chart rect.ok{fill:#29845a}.chart rect.bad{fill:#e51c00}.pager{display:flex;gap:.75rem;align-items:center;margin-top:.75rem}
        """;

    // Every action calls the JSON API. The session token comes from App Bridge when it is there (fresh, as Shopify
    // wants), else from the page (tests; local development, where no token means the dev shop).
    private const string Script = """
        async function sessionToken(){try{if(window.shopify&&shopify.idToken)return await shopify.idToken();}catch(e){}return document.querySelector('meta[name=id-token]').content;}
        async function api(method,url,body){const t=await sessionToken();const h={'Content-Type':'application/json'};if(t)h['Authorization']='Bearer '+t;
          const r=await fetch(url,{method,headers:h,body:body===undefined?undefined:JSON.stringify(body)});let data=null;try{data=await r.json();}catch(e){}return {ok:r.ok,status:r.status,data};}
        function toast(text){const t=document.getElementById('toast');t.textContent=text;t.style.display='block';if(window.shopify&&shopify.toast)shopify.toast.show(text);setTimeout(()=>t.style.display='none',4000);}
        document.addEventListener('click',async e=>{const b=e.target.closest('button[data-action]');if(!b)return;e.preventDefault();
          if(b.dataset.confirm&&!confirm(b.dataset.confirm))return;b.disabled=true;
          const r=await api(b.dataset.method||'POST',b.dataset.action,b.dataset.body?JSON.parse(b.dataset.body):{});
          if(r.ok){toast(b.dataset.done||'Done');setTimeout(()=>location.reload(),600);}else{b.disabled=false;toast((r.data&&(r.data.title||r.data.detail))||('Failed: '+r.status));}});
        """;
}
