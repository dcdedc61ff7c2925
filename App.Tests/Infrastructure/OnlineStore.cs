using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>
/// A shop's online store as a shopper meets it, standing in for Shopify's storefront on 127.0.0.1:
/// the app's book product's page — shown only while Shopify has the product active and on the Online
/// Store — with the theme block rendered from its Liquid (scripts/render-block.cjs) under the theme's own
/// product form; Shopify's app proxy (<c>/apps/storybook/*</c> → the app's <c>/proxy/*</c>, the query signed
/// with the app secret as Shopify signs it, the logged-in customer added, responses streamed); the cart
/// (<c>/cart/add.js</c> and the <c>/cart/add</c> form, private <c>_</c> properties hidden as themes hide
/// them); a checkout that pays — the order made in the fake Shopify as its fulfillment API will see it, and
/// <c>orders/paid</c> delivered to the app, signed; and the order's status page with the customer-account
/// extension in its own frame, as Shopify sandboxes extensions.
/// </summary>
public sealed class OnlineStore : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _shop;
    private readonly string _appBase;
    private readonly FakeShopifyCatalog _catalog;
    private readonly string _customer;
    private readonly ConcurrentDictionary<long, string> _blocks = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private string _extension = "";
    private int _orders;

    public sealed record CartLine(
        long VariantId,
        string ProductGid,
        string Title,
        string Price,
        Dictionary<string, string> Properties
    );

    /// <summary>An order the checkout placed: its id, its name (#1001…), its line and the story the line
    /// named.</summary>
    public sealed record Placed(string OrderId, string Name, string LineItemId, string? StoryId);

    public List<CartLine> Cart { get; } = [];
    public ConcurrentDictionary<string, Placed> Orders { get; } = new();
    public string Base { get; private set; } = "";

    private OnlineStore(WebApplication app, string shop, string appBase, FakeShopifyCatalog catalog, string customer)
    {
        _app = app;
        _shop = shop;
        _appBase = appBase.TrimEnd('/');
        _catalog = catalog;
        _customer = customer;
    }

    /// <summary>The store of <paramref name="shop"/>, its shopper signed in as customer <paramref name="customer"/>,
    /// in front of the app at <paramref name="appBase"/>.</summary>
    public static async Task<OnlineStore> StartAsync(
        string shop,
        string appBase,
        FakeShopifyCatalog catalog,
        string customer = "7001"
    )
    {
        var app = LocalServer.Create();
        var store = new OnlineStore(app, shop, appBase, catalog, customer);
        store._extension = await OrderExtension.BundleAsync("OrderStatus.jsx", store._appBase);
        app.MapGet("/products/{handle}", store.ProductPageAsync);
        app.MapGet("/assets/{file}", (string file) =>
            Path.GetFileName(file) is var name
            && File.Exists(ShopifyKit.Repo($"extensions/storybook-personalizer/assets/{name}"))
                ? Results.File(
                    ShopifyKit.Repo($"extensions/storybook-personalizer/assets/{name}"),
                    name.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript"
                )
                : Results.NotFound()
        );
        app.Map("/apps/storybook/{**path}", store.ProxyAsync);
        app.MapPost("/cart/add.js", store.AddJsonAsync);
        app.MapPost("/cart/add", store.AddFormAsync).DisableAntiforgery();
        app.MapGet("/cart", store.CartPage);
        app.MapPost("/checkout", store.CheckoutAsync).DisableAntiforgery();
        app.MapGet("/account/orders/{id}", store.OrderPage);
        app.MapGet("/account/orders/{id}/extension", store.ExtensionHost);
        app.MapGet("/ext.js", () => Results.Text(store._extension, "text/javascript"));
        app.MapGet("/product.svg", () => Results.Text(ProductPicture, "image/svg+xml"));
        store.Base = await LocalServer.StartAsync(app);
        return store;
    }

    /// <summary>The app's product as Shopify has it, when a shopper can see it: active and on the Online
    /// Store.</summary>
    private FakeShopifyCatalog.Product? Listed(string handle) =>
        _catalog.Products.Values.FirstOrDefault(p =>
            p.Shop == _shop
            && p.Handle == handle
            && p.Status == "ACTIVE"
            && p.Publications.Contains(FakeShopifyCatalog.OnlineStore)
        );

    /// <summary>A variant id for the product's single variant (the fake's productSet keeps no variant ids).</summary>
    public static long VariantOf(FakeShopifyCatalog.Product p) =>
        long.Parse(p.Id.Split('/')[^1], CultureInfo.InvariantCulture) * 100 + 1;

    private static string Price(FakeShopifyCatalog.Product p) => p.Input["variants"]![0]!["price"]!.GetValue<string>();

    private static string Title(FakeShopifyCatalog.Product p) => p.Input["title"]!.GetValue<string>();

    private async Task<IResult> ProductPageAsync(string handle)
    {
        if (Listed(handle) is not { } product)
            return Results.Content(Page("Not found", "<h1>404 Page Not Found</h1>"), "text/html", statusCode: 404);
        var variant = VariantOf(product);
        var block = _blocks.GetOrAdd(variant, v => RenderBlock(v));
        var title = WebUtility.HtmlEncode(Title(product));
        return Results.Content(
            Page(
                title,
                $"""
                <main class="product"><img class="media" src="/product.svg" alt="" width="600" height="600"><div>
                <h1>{title}</h1><p class="price">${Price(product)} USD</p>
                <form method="post" action="/cart/add"><input type="hidden" name="id" value="{variant}">
                <button class="button">Add to cart</button></form>
                {block}</div></main>
                """
            ),
            "text/html"
        );
    }

    /// <summary>What a visitor gets at <c>/products/{handle}</c>: 200 while the product is for sale, else
    /// 404.</summary>
    public async Task<int> ProductPageStatusAsync(string handle)
    {
        using var response = await _http.GetAsync($"{Base}/products/{handle}");
        return (int)response.StatusCode;
    }

    private static string RenderBlock(long variant)
    {
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(ShopifyKit.Repo("scripts/render-block.cjs"));
        psi.ArgumentList.Add(variant.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add("en");
        using var node = Process.Start(psi)!;
        var html = node.StandardOutput.ReadToEnd();
        var errors = node.StandardError.ReadToEnd();
        node.WaitForExit();
        return node.ExitCode == 0 ? html : throw new InvalidOperationException($"render-block.cjs: {errors}");
    }

    /// <summary>Shopify's app proxy: the request forwarded to the app's <c>/proxy/</c> path with Shopify's signed
    /// parameters (shop, path_prefix, timestamp, logged_in_customer_id) added to the shopper's own; the answer
    /// streamed back.</summary>
    private async Task ProxyAsync(HttpContext ctx, string path)
    {
        var extra = ctx.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        var url = _appBase + ShopifyKit.ProxyUrl("/proxy/" + path, _shop, _customer, extra: extra);
        using var forward = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), url);
        if (ctx.Request.ContentLength > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
        {
            forward.Content = new StreamContent(ctx.Request.Body);
            if (ctx.Request.ContentType is { } type)
                forward.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(type);
        }
        foreach (var name in new[] { "Accept", "Accept-Language", "X-Storybook-Shopper" })
            if (ctx.Request.Headers.TryGetValue(name, out var value))
                forward.Headers.TryAddWithoutValidation(name, value.ToString());
        using var answer = await _http.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, ctx.RequestAborted);
        ctx.Response.StatusCode = (int)answer.StatusCode;
        if (answer.Content.Headers.ContentType is { } contentType)
            ctx.Response.ContentType = contentType.ToString();
        if (answer.Headers.Location is { } location)
            ctx.Response.Headers.Location = location.ToString();
        await using var body = await answer.Content.ReadAsStreamAsync(ctx.RequestAborted);
        var buffer = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await body.ReadAsync(buffer, ctx.RequestAborted)) > 0)
            {
                await ctx.Response.Body.WriteAsync(buffer.AsMemory(0, read), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested) { }
    }

    private IResult Add(long variant, int quantity, Dictionary<string, string> properties)
    {
        var product = _catalog.Products.Values.FirstOrDefault(p => p.Shop == _shop && VariantOf(p) == variant);
        if (product is null || Listed(product.Handle) is null || quantity < 1)
            return CartError("Cannot find variant");
        lock (Cart)
            Cart.Add(new CartLine(variant, product.Id, Title(product), Price(product), properties));
        return Results.Json(
            new
            {
                id = variant,
                quantity,
                properties,
            }
        );
    }

    /// <summary>Shopify's Cart API error: 422 with its status, message and description.</summary>
    private static IResult CartError(string description) =>
        Results.Json(
            new
            {
                status = 422,
                message = "Cart Error",
                description,
            },
            statusCode: 422
        );

    private async Task<IResult> AddJsonAsync(HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body);
        var item = body?["items"]?[0];
        if (item?["id"] is null)
            return CartError("Parameter Missing");
        var properties = item["properties"]?.AsObject().ToDictionary(p => p.Key, p => p.Value!.ToString()) ?? [];
        return Add(item["id"]!.GetValue<long>(), item["quantity"]?.GetValue<int>() ?? 1, properties);
    }

    private async Task<IResult> AddFormAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var properties = form.Where(f =>
                f.Key.StartsWith("properties[", StringComparison.Ordinal) && f.Key.EndsWith(']')
            )
            .ToDictionary(f => f.Key["properties[".Length..^1], f => f.Value.ToString());
        if (!long.TryParse(form["id"], out var variant))
            return CartError("Parameter Missing");
        var added = Add(variant, int.TryParse(form["quantity"], out var q) ? q : 1, properties);
        if (added is IStatusCodeHttpResult { StatusCode: 422 })
            return added;
        var back = form["return_to"].ToString();
        return Results.Redirect(
            back.StartsWith('/') && !back.StartsWith("//", StringComparison.Ordinal) ? back : "/cart"
        );
    }

    private IResult CartPage()
    {
        List<CartLine> lines;
        lock (Cart)
            lines = [.. Cart];
        var rows = string.Concat(
            lines.Select(l =>
                // Themes show a line's properties except those whose name starts with an underscore.
                $"<li><strong>{WebUtility.HtmlEncode(l.Title)}</strong> — ${l.Price}"
                + string.Concat(
                    l.Properties.Where(p => !p.Key.StartsWith('_'))
                        .Select(p =>
                            $"<br><small>{WebUtility.HtmlEncode(p.Key)}: {WebUtility.HtmlEncode(p.Value)}</small>"
                        )
                )
                + "</li>"
            )
        );
        return Results.Content(
            Page(
                "Your cart",
                $"""
                <h1>Your cart</h1><ul id="cart-lines">{rows}</ul>
                <form method="post" action="/checkout">
                <button class="button" id="checkout">Check out and pay</button></form>
                """
            ),
            "text/html"
        );
    }

    /// <summary>The shopper pays: the order made in the fake Shopify (one line per cart line, its custom attributes,
    /// the product it is of) and <c>orders/paid</c> sent to the app as Shopify sends it.</summary>
    private async Task<IResult> CheckoutAsync()
    {
        List<CartLine> lines;
        lock (Cart)
        {
            lines = [.. Cart];
            Cart.Clear();
        }
        if (lines.Count == 0)
            return Results.Redirect("/cart");
        var number = Interlocked.Increment(ref _orders);
        var orderId = (820000 + number).ToString(CultureInfo.InvariantCulture);
        var order = _catalog.Orders[orderId] = new FakeShopifyCatalog.Order { Id = orderId };
        var items = new JsonArray();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var lineId = $"{orderId}{i + 1:D2}";
            order.Lines.Add((lineId, new Dictionary<string, string>(line.Properties), 1));
            order.LineProducts[lineId] = line.ProductGid;
            items.Add(
                new JsonObject
                {
                    ["id"] = long.Parse(lineId, CultureInfo.InvariantCulture),
                    ["product_id"] = long.Parse(line.ProductGid.Split('/')[^1], CultureInfo.InvariantCulture),
                    ["variant_id"] = line.VariantId,
                    ["quantity"] = 1,
                    ["price"] = line.Price,
                    ["title"] = line.Title,
                    ["properties"] = new JsonArray([
                        .. line.Properties.Select(p =>
                            (JsonNode)new JsonObject { ["name"] = p.Key, ["value"] = p.Value }
                        ),
                    ]),
                }
            );
            Orders[orderId] = new Placed(
                orderId,
                $"#{1000 + number}",
                lineId,
                line.Properties.GetValueOrDefault("_story_id")
            );
        }
        var payload = new JsonObject
        {
            ["id"] = long.Parse(orderId, CultureInfo.InvariantCulture),
            ["admin_graphql_api_id"] = $"gid://shopify/Order/{orderId}",
            ["name"] = $"#{1000 + number}",
            ["financial_status"] = "paid",
            ["currency"] = "USD",
            ["customer"] = new JsonObject { ["id"] = long.Parse(_customer, CultureInfo.InvariantCulture) },
            ["line_items"] = items,
        };
        using var webhook = ShopifyKit.Webhook("orders/paid", _shop, payload.ToJsonString());
        webhook.RequestUri = new Uri(_appBase + "/webhooks");
        using var delivered = await _http.SendAsync(webhook);
        return delivered.IsSuccessStatusCode
            ? Results.Redirect($"/account/orders/{orderId}")
            : Results.Problem($"The app refused orders/paid: {(int)delivered.StatusCode}");
    }

    private IResult OrderPage(string id) =>
        Orders.TryGetValue(id, out var placed)
            ? Results.Content(
                Page(
                    $"Order {placed.Name}",
                    $"""
                    <h1>Order {placed.Name}</h1><p class="price">✓ Confirmed · paid</p>
                    <p>Thank you for your order. We will let you know when it is on its way.</p>
                    <iframe id="extension" title="Storybook" src="/account/orders/{id}/extension"
                      style="width:100%;height:180px;border:1px solid #ddd;border-radius:8px"></iframe>
                    """
                ),
                "text/html"
            )
            : Results.NotFound();

    /// <summary>Where the extension runs, with the globals Shopify gives it: the signed-in customer's session token and
    /// the order. Shopify draws its s-* components; here they are plain elements with a little style.</summary>
    private IResult ExtensionHost(string id) =>
        Results.Content(
            OrderExtension.HostPage(
                "Storybook",
                $"gid://shopify/Order/{id}",
                Orders.TryGetValue(id, out var p) ? p.Name : "",
                OrderExtension.Token(_shop, $"gid://shopify/Customer/{_customer}"),
                "<style>body{font:15px/1.5 system-ui,sans-serif;margin:12px}s-section{display:block}"
                    + "s-section::before{content:attr(heading);display:block;font-weight:600;margin-bottom:6px}"
                    + "s-stack{display:flex;gap:8px;align-items:center}s-link{color:#2c6ecb;text-decoration:underline;"
                    + "cursor:pointer}</style>"
            ),
            "text/html"
        );

    /// <summary>The product's picture: an open book on a warm background.</summary>
    private const string ProductPicture = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 600"><rect width="600" height="600" fill="#f3efe6"/>
        <circle cx="470" cy="130" r="60" fill="#f6c453"/><path d="M300 200 Q200 160 110 190 V430 Q200 400 300 440 Z"
        fill="#fff" stroke="#3a5a80" stroke-width="8"/><path d="M300 200 Q400 160 490 190 V430 Q400 400 300 440 Z"
        fill="#fff" stroke="#3a5a80" stroke-width="8"/><path d="M140 240 Q200 225 270 245 M140 290 Q200 275 270 295
        M330 245 Q400 225 460 240 M330 295 Q400 275 460 290" stroke="#9bb3cc" stroke-width="6" fill="none"/></svg>
        """;

    private static string Page(string title, string body) =>
        $$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{title}} – Storybook Demo Shop</title>
            <style>body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#222}
            header{padding:1rem;border-bottom:1px solid #ddd}
            main,body>h1,body>ul,body>form,body>p,body>iframe{max-width:60rem;margin:1rem auto;padding:0 1rem;
            display:block}
            .product{display:grid;gap:1.5rem}@media(min-width:750px){.product{grid-template-columns:1fr 1fr} }
            .media{width:100%;height:auto;border-radius:8px}
            .button{background:#222;color:#fff;border:0;border-radius:4px;padding:.75rem 1.5rem}</style>
            </head><body><header><strong>Storybook Demo Shop</strong></header>{{body}}</body></html>
            """;

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }
}
