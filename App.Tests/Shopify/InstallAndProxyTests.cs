using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Shopify;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Shopify;

public sealed class InstallAndProxyTests
{
    private ShopifyHarness _h = null!;
    private FakeShopify _shopify = null!;
    private AppFactory _app = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _h = await ShopifyHarness.StartAsync("install", new() { ["Shopify:AppUrl"] = "https://app.example.test" });
        (_shopify, _app) = (_h.Shopify, _h.App);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _h.DisposeAsync();

    // The app is reached over https, as in production: the OAuth state cookie is Secure.
    private HttpClient Browser() =>
        _app.CreateClient(
            new WebApplicationFactoryClientOptions
            {
                AllowAutoRedirect = false,
                HandleCookies = true,
                BaseAddress = new Uri("https://localhost"),
            }
        );

    private static string Signed(Dictionary<string, string> query, string secret = ShopifyKit.Secret)
    {
        var message = string.Join(
            '&',
            query.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")
        );
        query["hmac"] = ShopifySignatures.HexHmac(message, secret);
        return QueryHelpers.AddQueryString("/auth/callback", query!);
    }

    private async Task<(HttpClient Browser, string State, string Shop)> StartInstallAsync()
    {
        var shop = ShopifyKit.RandomShop();
        var browser = Browser();
        var install = await browser.GetAsync($"/auth/install?shop={shop}");
        Assert.That(install.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(
            install.Headers.GetValues("Set-Cookie").Single(),
            Does.Contain("secure").IgnoreCase,
            "the state cookie is Secure"
        );
        var location = install.Headers.Location!;
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.That(location.AbsolutePath, Is.EqualTo($"/{shop}/admin/oauth/authorize"));
        Assert.That(query["client_id"].ToString(), Is.EqualTo(ShopifyKit.ClientId));
        Assert.That(query["redirect_uri"].ToString(), Is.EqualTo("https://app.example.test/auth/callback"));
        Assert.That(query["scope"].ToString(), Does.Contain("write_products"));
        return (browser, query["state"].ToString(), shop);
    }

    private static Dictionary<string, string> Callback(string shop, string state, long? timestamp = null) =>
        new()
        {
            ["code"] = "0907a61c0c8d55e99db179b68161bc00",
            ["shop"] = shop,
            ["state"] = state,
            ["timestamp"] = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(),
            ["host"] = "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvdGVzdA",
        };

    [Test]
    public async Task Install_then_a_signed_callback_exchanges_the_code_stores_tokens_and_returns_to_the_admin()
    {
        var (browser, state, shop) = await StartInstallAsync();
        var response = await browser.GetAsync(Signed(Callback(shop, state)));

        Assert.That(
            response.StatusCode,
            Is.EqualTo(HttpStatusCode.Redirect),
            await response.Content.ReadAsStringAsync()
        );
        Assert.That(response.Headers.Location!.ToString(), Does.EndWith($"/{shop}/admin/apps/{ShopifyKit.ClientId}"));
        Assert.That(_shopify.Grants, Does.Contain("authorization_code"));
        await using var db = _app.Db();
        var row = await db.Shops.SingleAsync(s => s.Domain == shop);
        Assert.That(row.AccessToken, Is.Not.Null);
        Assert.That(row.RefreshToken, Is.Not.Null, "expiring offline token with a refresh token");
    }

    [Test]
    public async Task A_callback_with_a_bad_hmac_is_401_and_stores_nothing()
    {
        var (browser, state, shop) = await StartInstallAsync();
        var response = await browser.GetAsync(Signed(Callback(shop, state), secret: "wrong-secret"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await using var db = _app.Db();
        Assert.That(await db.Shops.AnyAsync(s => s.Domain == shop), Is.False);
    }

    [Test]
    public async Task A_stale_callback_is_401()
    {
        var (browser, state, shop) = await StartInstallAsync();
        var response = await browser.GetAsync(
            Signed(Callback(shop, state, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()))
        );
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_callback_whose_state_this_browser_never_asked_for_is_401()
    {
        var (_, state, shop) = await StartInstallAsync();
        var response = await Browser().GetAsync(Signed(Callback(shop, state))); // another browser: no state cookie
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var (browser, _, shop2) = await StartInstallAsync();
        var forged = await browser.GetAsync(Signed(Callback(shop2, "forged-state")));
        Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("evil.com")]
    [TestCase("x.myshopify.com.evil.com")]
    [TestCase("a.myshopify.com%0A")] // a final newline: "$" matched before it and the app answered 500
    public async Task Installing_for_a_domain_that_is_not_a_shop_is_400(string shop)
    {
        Assert.That(
            (await Browser().GetAsync($"/auth/install?shop={shop}")).StatusCode,
            Is.EqualTo(HttpStatusCode.BadRequest)
        );
        Assert.That(
            (await Browser().GetAsync(Signed(Callback(shop, "s")))).StatusCode,
            Is.EqualTo(HttpStatusCode.BadRequest)
        );
    }

    private static string ProxyUrl(
        string path,
        string shop,
        long timestamp,
        string? customer = "7001",
        string secret = ShopifyKit.Secret,
        bool tamper = false
    )
    {
        var query = new Dictionary<string, string>
        {
            ["shop"] = shop,
            ["path_prefix"] = "/apps/storybook",
            ["timestamp"] = timestamp.ToString(),
        };
        if (customer is not null)
            query["logged_in_customer_id"] = customer;
        query["signature"] = ShopifySignatures.HexHmac(
            string.Concat(query.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")),
            secret
        );
        if (tamper)
            query["logged_in_customer_id"] = "9999";
        return QueryHelpers.AddQueryString(path, query!);
    }

    [Test]
    public async Task The_standalone_page_never_echoes_the_signed_query_and_hands_out_its_own_session_instead()
    {
        var http = _app.CreateClient();
        var shop = ShopifyKit.RandomShop();
        var url = ShopifyKit.ProxyUrl(
            "/proxy/personalize",
            shop,
            "7001",
            extra: new Dictionary<string, string> { ["standalone"] = "1" }
        );
        var signature = QueryHelpers.ParseQuery(new Uri("http://x" + url).Query)["signature"].ToString();
        var html = await http.GetStringAsync(url);
        Assert.That(html, Does.Not.Contain(signature), "the signature is not echoed");
        var session = System.Text.RegularExpressions.Regex.Match(html, "session=([^\"&]+)").Groups[1].Value;
        Assert.That(session, Is.Not.Empty);
        var token = Uri.UnescapeDataString(System.Net.WebUtility.HtmlDecode(session));

        var catalog = await http.GetFromJsonAsync<JsonElement>($"/proxy/catalog?session={Uri.EscapeDataString(token)}");
        Assert.That(
            catalog.GetProperty("shop").GetString(),
            Is.EqualTo(shop),
            "the session is bound to the page's shop"
        );
        Assert.That(
            (
                await http.GetAsync($"/proxy/catalog?session={Uri.EscapeDataString(token)}&shop=victim.myshopify.com")
            ).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized),
            "nothing may ride along with it"
        );
        Assert.That(
            (await http.GetAsync($"/proxy/catalog?session={Uri.EscapeDataString(token[..^2] + "xx")}")).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized),
            "an altered session"
        );
    }

    [Test]
    public async Task Storefront_download_and_other_responses_carry_the_security_headers()
    {
        var http = _app.CreateClient();
        var download = await http.GetAsync("/downloads/" + new string('x', 43));
        Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(
            download.Headers.GetValues("Content-Security-Policy").Single(),
            Does.Contain("default-src 'self'").And.Contain("frame-ancestors 'none'")
        );
        Assert.That(download.Headers.CacheControl!.NoStore, Is.True, "a download URL is a secret: never cached");
        Assert.That(download.Headers.GetValues("Referrer-Policy").Single(), Is.EqualTo("no-referrer"));
        var page = await http.GetAsync(
            ProxyUrl("/proxy/personalize", ShopifyKit.RandomShop(), DateTimeOffset.UtcNow.ToUnixTimeSeconds())
        );
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(page.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("object-src 'none'"));
        Assert.That(
            (await http.GetAsync("/health/live")).Headers.GetValues("X-Content-Type-Options").Single(),
            Is.EqualTo("nosniff")
        );
    }

    [Test]
    public async Task A_signed_proxy_query_re_split_into_another_shop_and_customer_is_401()
    {
        // The attacker's own store gets Shopify to sign a query with one extra parameter whose value holds the
        // victim's pairs; the proxy signs k=v pairs with no separator, so the same bytes re-split into other pairs
        // carry the same signature.
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var victim = ShopifyKit.RandomShop();
        var attacker = ShopifyKit.RandomShop();
        var signedForAttacker = new Dictionary<string, string>
        {
            ["extra"] = $"1logged_in_customer_id=999path_prefix=/apps/storybookshop={victim}timestamp={now}zz=",
            ["logged_in_customer_id"] = "",
            ["path_prefix"] = "/apps/storybook",
            ["shop"] = attacker,
            ["timestamp"] = now,
        };
        var message = string.Concat(
            signedForAttacker.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")
        );
        var signature = ShopifySignatures.HexHmac(message, ShopifyKit.Secret);
        var resplit = new Dictionary<string, string>
        {
            ["extra"] = "1",
            ["logged_in_customer_id"] = "999",
            ["path_prefix"] = "/apps/storybook",
            ["shop"] = victim,
            ["timestamp"] = now,
            ["zz"] = $"logged_in_customer_id=path_prefix=/apps/storybookshop={attacker}timestamp={now}",
        };
        Assert.That(
            string.Concat(resplit.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")),
            Is.EqualTo(message),
            "the re-split query signs to the same bytes"
        );
        resplit["signature"] = signature;

        var http = _app.CreateClient();
        Assert.That(
            (await http.GetAsync(QueryHelpers.AddQueryString("/proxy/catalog", resplit!))).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized)
        );
        var post = await http.PostAsJsonAsync(
            QueryHelpers.AddQueryString("/proxy/stories", resplit!),
            new
            {
                childName = "Mallory",
                ageGroup = "3-5",
                genre = "space",
            }
        );
        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await using var db = _app.Db();
        Assert.That(
            await db.Stories.AnyAsync(s => s.ChildName == "Mallory"),
            Is.False,
            "nothing stored for the victim"
        );
    }

    [Test]
    public async Task Oversized_bodies_are_refused_before_they_are_read()
    {
        var http = _app.CreateClient();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var huge = new ByteArrayContent(new byte[23 * 1024 * 1024]);
        huge.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        Assert.That(
            (await http.PostAsync("/proxy/stories?shop=x.myshopify.com", huge)).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized),
            "an unsigned storefront request is refused on its query alone"
        );
        var big = new StringContent(
            "{\"childName\":\"" + new string('a', 40 * 1024) + "\"}",
            System.Text.Encoding.UTF8,
            "application/json"
        );
        Assert.That(
            (await http.PostAsync(ProxyUrl("/proxy/stories", ShopifyKit.RandomShop(), now), big)).StatusCode,
            Is.EqualTo(HttpStatusCode.RequestEntityTooLarge)
        );
        var api = new StringContent(new string(' ', 40 * 1024), System.Text.Encoding.UTF8, "application/json");
        Assert.That(
            (await http.PostAsync("/api/stories", api)).StatusCode,
            Is.EqualTo(HttpStatusCode.RequestEntityTooLarge)
        );
    }

    [Test]
    public async Task A_signed_app_proxy_request_gets_the_catalog_for_its_shop()
    {
        var shop = ShopifyKit.RandomShop();
        var catalog = await _app.CreateClient()
            .GetFromJsonAsync<JsonElement>(ProxyUrl("/proxy/catalog", shop, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        Assert.That(catalog.GetProperty("shop").GetString(), Is.EqualTo(shop));
        Assert.That(catalog.GetProperty("loggedIn").GetBoolean(), Is.True);
        Assert.That(catalog.GetProperty("themes").EnumerateArray().Select(t => t.GetString()), Does.Contain("space"));
    }

    [Test]
    public async Task Unsigned_tampered_stale_or_foreign_proxy_requests_are_401()
    {
        var http = _app.CreateClient();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var shop = ShopifyKit.RandomShop();
        Assert.That(
            (await http.GetAsync($"/proxy/catalog?shop={shop}&timestamp={now}")).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized),
            "unsigned"
        );
        Assert.That(
            (await http.GetAsync(ProxyUrl("/proxy/catalog", shop, now, tamper: true))).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized),
            "tampered"
        );
        Assert.That(
            (await http.GetAsync(ProxyUrl("/proxy/catalog", shop, now - 600))).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized),
            "stale"
        );
        Assert.That(
            (await http.GetAsync(ProxyUrl("/proxy/catalog", shop, now, secret: "other"))).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized),
            "another app's secret"
        );
        Assert.That(
            (await http.GetAsync(ProxyUrl("/proxy/catalog", "evil.com", now))).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized),
            "not a shop"
        );
    }

    /// <summary>A query as Shopify's app proxy forwards it: every pair signed (repeated keys joined with
    /// commas).</summary>
    private static string SignedQuery(string path, IEnumerable<(string Key, string Value)> pairs)
    {
        var list = pairs.ToList();
        var message = string.Concat(
            list.GroupBy(p => p.Key)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key}={string.Join(',', g.Select(p => p.Value))}")
        );
        list.Add(("signature", ShopifySignatures.HexHmac(message, ShopifyKit.Secret)));
        return path
            + "?"
            + string.Join('&', list.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
    }

    private static List<(string, string)> ShopifyPairs(string shop) =>
        [
            ("shop", shop),
            ("logged_in_customer_id", ""),
            ("path_prefix", "/apps/storybook"),
            (
                "timestamp",
                DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)
            ),
        ];

    [Test]
    public async Task A_storefront_link_with_marketing_parameters_is_believed_when_shopify_signed_them()
    {
        var shop = ShopifyKit.RandomShop();
        var http = _app.CreateClient();
        // A shared link from a newsletter or an ad: Shopify's proxy passes these on and signs them with the rest.
        var response = await http.GetAsync(
            SignedQuery(
                "/proxy/catalog",
                [
                    .. ShopifyPairs(shop),
                    ("utm_source", "newsletter"),
                    ("utm_campaign", "Spring sale 2026"),
                    ("fbclid", "IwAR0aBcD-eF_gh"),
                    ("gclid", "Cj0KCQiA.x~y"),
                    ("_ga", "2.1234.5678"),
                ]
            )
        );
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("shop").GetString(),
            Is.EqualTo(shop)
        );
    }

    [Test]
    public async Task Extra_parameters_that_could_re_split_or_repeat_are_still_refused()
    {
        var shop = ShopifyKit.RandomShop();
        var http = _app.CreateClient();
        async Task<HttpStatusCode> Get(params (string, string)[] extra) =>
            (await http.GetAsync(SignedQuery("/proxy/catalog", [.. ShopifyPairs(shop), .. extra]))).StatusCode;

        Assert.That(
            await Get(("utm_source", "a"), ("utm_source", "b")),
            Is.EqualTo(HttpStatusCode.Unauthorized),
            "a repeated key"
        );
        Assert.That(await Get(("utm_source", "a=b")), Is.EqualTo(HttpStatusCode.Unauthorized), "= in a value");
        Assert.That(await Get(("utm=source", "a")), Is.EqualTo(HttpStatusCode.Unauthorized), "= in a key");
        Assert.That(await Get(("utm source", "a")), Is.EqualTo(HttpStatusCode.Unauthorized), "a space in a key");
        Assert.That(
            await Get(("locale", "EN_us")),
            Is.EqualTo(HttpStatusCode.Unauthorized),
            "one of the app's own keys in the wrong shape"
        );
        Assert.That(await Get(("utm_source", "a")), Is.EqualTo(HttpStatusCode.OK), "the same request, well formed");
        var unsigned = SignedQuery("/proxy/catalog", ShopifyPairs(shop)) + "&utm_source=added-later";
        Assert.That(
            (await http.GetAsync(unsigned)).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized),
            "a parameter Shopify did not sign"
        );
    }

    [Test]
    public async Task A_signed_tracking_parameter_re_split_into_another_shop_is_401()
    {
        // The attacker's storefront link carries ?shopzshop=<victim>. Shopify signs
        //   logged_in_customer_id=path_prefix=/apps/storybookshop=<attacker>shopzshop=<victim>timestamp=<now>
        // which re-splits, in sorted order and with no '=' in any value, into path_prefix=/apps/sto,
        // rybookshop=<attacker>shopz, shop=<victim>: the same bytes, so the same signature. Only a key ending in one of
        // the app's own ("…shop") can stand before the victim's value, and such keys are refused.
        var victim = ShopifyKit.RandomShop();
        var attacker = ShopifyKit.RandomShop();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signed = new Dictionary<string, string>
        {
            ["logged_in_customer_id"] = "",
            ["path_prefix"] = "/apps/storybook",
            ["shop"] = attacker,
            ["shopzshop"] = victim,
            ["timestamp"] = now,
        };
        var forged = new Dictionary<string, string>
        {
            ["logged_in_customer_id"] = "",
            ["path_prefix"] = "/apps/sto",
            ["rybookshop"] = attacker + "shopz",
            ["shop"] = victim,
            ["timestamp"] = now,
        };
        string Message(Dictionary<string, string> q) =>
            string.Concat(q.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        Assert.That(Message(forged), Is.EqualTo(Message(signed)), "the forgery signs to the same bytes");
        forged["signature"] = ShopifySignatures.HexHmac(Message(signed), ShopifyKit.Secret);

        var http = _app.CreateClient();
        Assert.That(
            (await http.GetAsync(QueryHelpers.AddQueryString("/proxy/catalog", forged!))).StatusCode,
            Is.EqualTo(HttpStatusCode.Unauthorized)
        );
        var post = await http.PostAsJsonAsync(
            QueryHelpers.AddQueryString("/proxy/stories", forged!),
            new
            {
                childName = "Trudy",
                ageGroup = "3-5",
                genre = "space",
            }
        );
        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await using var db = _app.Db();
        Assert.That(await db.Stories.AnyAsync(s => s.ChildName == "Trudy"), Is.False, "nothing stored for the victim");
    }
}
