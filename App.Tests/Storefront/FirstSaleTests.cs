using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using StorybookShop.Data;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Storefront;

/// <summary>
/// A merchant sells on day one, end to end in Chromium: a new shop installs (Shopify opens the app in its admin with
/// an id token), follows only what the app shows — chooses a plan (Shopify's approval), creates the book product
/// with one click, adds the block through the theme editor link — and a shopper on the store personalizes a book,
/// adds it to the cart from the preview, pays; the buyer finds the book on the order's status page (the
/// customer-account extension) and downloads it. Each step's screenshot is kept (README shows them).
/// The fake Shopify holds every Admin API call to the 2026-10 schema; billing is enforced as in production.
/// </summary>
public sealed class FirstSaleTests
{
    private ShopifyHarness _h = null!;
    private BrowserKit _kit = null!;
    private FakeShopifyCatalog _catalog = null!;
    private AdminFrame _admin = null!;
    private OnlineStore _store = null!;
    private readonly string _shop = ShopifyKit.RandomShop();

    /// <summary>What axe-core found serious or critical on the shopper's pages along the way.</summary>
    private readonly List<string> _violations = [];

    [OneTimeSetUp]
    public async Task Start()
    {
        _admin = await AdminFrame.StartAsync();
        var port = LocalServer.FreePort();
        _h = await ShopifyHarness.StartAsync(
            "first_sale",
            new()
            {
                ["Pipeline:Roles"] = "web,worker",
                ["Api:DevEndpoints"] = "false",
                ["Shopify:AdminOrigin"] = _admin.Base,
                // The buyer's links point at this app, as they point at the app's public URL in production.
                ["Shopify:AppUrl"] = $"http://127.0.0.1:{port}",
                ["Billing:Enforce"] = "true",
            }
        );
        _catalog = new FakeShopifyCatalog(_h.Shopify);
        _h.Shopify.Answer = _catalog.Answer;
        _kit = await BrowserKit.StartAsync(_h.App, port);
        _store = await OnlineStore.StartAsync(_shop, _kit.Base, _catalog);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _store.DisposeAsync();
        await _admin.DisposeAsync();
        await _kit.DisposeAsync();
        await _h.DisposeAsync();
    }

    private async Task<IPage> NewPageAsync(int width, int height)
    {
        var page = await _kit.Browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                ViewportSize = new ViewportSize { Width = width, Height = height },
            }
        );
        // Shopify's CDN (App Bridge, Polaris) cannot be reached here: the pages work without it.
        await page.RouteAsync("https://cdn.shopify.com/**", route => route.AbortAsync());
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        return page;
    }

    /// <summary>The app as the Shopify admin opens it: framed, with a fresh id token.</summary>
    private string InAdmin(string path, string? query = null) =>
        _admin.Url(_shop, _kit.Base + ShopifyKit.AdminUrl(path, _shop, query));

    [Test]
    public async Task A_merchant_who_follows_only_the_app_sells_a_book_and_the_buyer_finds_it_on_the_order()
    {
        var merchant = await NewPageAsync(1280, 900);
        var app = merchant.FrameLocator("#app");
        await InstallAndChooseAPlanAsync(merchant, app);
        var product = await CreateTheBookProductAsync(merchant, app);

        // The block: the guide's link opens Shopify's theme editor with the block added to the product page; the
        // merchant saves there (Shopify's editor cannot run here — the store below renders the block's Liquid).
        Assert.That(
            await app.Locator("#theme-editor").GetAttributeAsync("href"),
            Is.EqualTo(
                $"https://{_shop}/admin/themes/current/editor?template=product&addAppBlockId="
                    + $"{ShopifyKit.ClientId}/personalize&target=mainSection"
            )
        );
        await merchant.CloseAsync();

        var (buyer, story) = await AShopperOrdersABookAsync(product);
        await TheBuyerFindsTheBookOnTheOrderAsync(buyer, story);

        // What the app did at Shopify for the sale: the link on the order's fulfillment, and no usage charge — the
        // first book is one of the plan's ten included books.
        var order = _catalog.Orders[_store.Orders.Values.Single().OrderId];
        // The fulfillment is the delivery job's, which may still be on its way when the page shows the links.
        for (var i = 0; i < 300 && order.Fulfillments.Count == 0; i++)
            await Task.Delay(100);
        Assert.That(order.Fulfillments, Has.Count.EqualTo(1));
        Assert.That(order.Fulfillments[0].ToJsonString(), Does.Contain($"{_kit.Base.TrimEnd('/')}/downloads/"));
        await using var db = _h.App.Db();
        var charge = await db.BookCharges.SingleAsync(c => c.StoryId == story.Id);
        Assert.That((charge.Status, charge.Sequence, charge.Amount), Is.EqualTo((BookCharge.States.Included, 1, 0m)));
        Assert.That(_catalog.Billing.Of(_shop).Single().Records, Is.Empty);
        // Every shopper page on the way: no serious or critical accessibility violation (axe-core).
        Assert.That(_violations, Is.Empty);
    }

    private async Task InstallAndChooseAPlanAsync(IPage merchant, IFrameLocator app)
    {
        // Install: Shopify opens the app in the admin with an id token; the app exchanges it for the shop's token.
        await merchant.GotoAsync(InAdmin("/"));
        await Assertions.Expect(app.Locator("#setup")).ToContainTextAsync($"Installed on {_shop}");
        await Assertions.Expect(app.Locator("#setup-plan")).ToContainTextAsync("Not taking new books");
        await Assertions.Expect(app.Locator("#create-book-product")).ToBeVisibleAsync();
        await BrowserKit.ScreenshotAsync(merchant, "first-sale-1-installed");
        await using (var db = _h.App.Db())
            Assert.That((await db.Shops.SingleAsync(s => s.Domain == _shop)).AccessToken, Is.Not.Null);

        // The plan: the guide's link, Choose, Shopify's approval page for the whole window, approved, back to the app.
        await app.Locator("#setup-plan a").ClickAsync();
        await merchant.RouteAsync("**/admin/charges/**", AdminFrame.ApprovalPage);
        await app.Locator("#plan-starter button").ClickAsync();
        await merchant.WaitForURLAsync(u => u.Contains("/admin/charges/", StringComparison.Ordinal));
        var subscription = _catalog.Billing.Subscriptions[FakeShopifyBilling.IdOf(merchant.Url)];
        var back = new Uri(_catalog.Billing.Approve(subscription.Id));
        await merchant.GotoAsync(InAdmin("/plan", back.Query.TrimStart('?')));
        await Assertions
            .Expect(app.Locator("#plan-result"))
            .ToContainTextAsync("Approved: Storybook Starter is active");
        await BrowserKit.ScreenshotAsync(merchant, "first-sale-2-plan");
    }

    private async Task<FakeShopifyCatalog.Product> CreateTheBookProductAsync(IPage merchant, IFrameLocator app)
    {
        // Back on the app's home (the admin's menu): the plan is done; one click makes the book product.
        await merchant.GotoAsync(InAdmin("/"));
        await Assertions.Expect(app.Locator("#setup-plan")).ToContainTextAsync("Storybook Starter");
        Assert.That(await _store.ProductPageStatusAsync("personalized-storybook"), Is.EqualTo(404), "not sold yet");
        await app.Locator("#create-book-product").ClickAsync();
        // The page reloads with the step done, linking to the product on the Online Store as Shopify reports it.
        var done = app.Locator("#setup-product.done a[target=_blank]");
        await Assertions.Expect(done).ToHaveTextAsync("Personalized storybook", new() { Timeout = 15_000 });
        Assert.That(
            await done.GetAttributeAsync("href"),
            Is.EqualTo($"https://{_shop}/products/personalized-storybook")
        );
        // Choosing the book product is the guide's own step, not a review of the settings.
        await Assertions.Expect(app.Locator("#setup-settings")).ToHaveClassAsync("todo");
        await BrowserKit.ScreenshotAsync(merchant, "first-sale-3-book-product");
        return _catalog.Products.Values.Single(p => p.Shop == _shop);
    }

    private async Task<(IPage Buyer, Story Story)> AShopperOrdersABookAsync(FakeShopifyCatalog.Product product)
    {
        // The product page on the store, with the block the merchant added.
        var shopper = await NewPageAsync(1100, 1000);
        Assert.That(
            (await shopper.GotoAsync(_store.Base + "/products/personalized-storybook"))!.Status,
            Is.EqualTo(200)
        );
        await Assertions.Expect(shopper.Locator("select[name=genre] option")).Not.ToHaveCountAsync(0);
        await shopper.FillAsync("input[name=childName]", "Amara");
        await shopper.SelectOptionAsync("select[name=ageGroup]", "3-5");
        await shopper.SelectOptionAsync("select[name=genre]", "ocean");
        await shopper.FillAsync("input[name=moral]", "Friends help each other");
        await shopper.Locator("input[name=companionName]").First.FillAsync("Coco");
        await shopper.Locator("select[name=companionKind]").First.SelectOptionAsync("cat");
        await BrowserKit.ScreenshotAsync(shopper, "first-sale-4-storefront");
        _violations.AddRange(await Accessibility.SeriousViolationsAsync(shopper, "product page with the block"));
        await shopper.ClickAsync(".storybook-form button[type=submit]");
        await Assertions.Expect(shopper.Locator(".storybook-ready")).ToBeVisibleAsync(new() { Timeout = 90_000 });

        // The preview opens in a tab of its own, with the whole book's price and its own Add to cart.
        var preview = await shopper.RunAndWaitForPopupAsync(() => shopper.ClickAsync(".storybook-preview"));
        await Assertions.Expect(preview.Locator("#title")).ToContainTextAsync("Amara");
        await Assertions.Expect(preview.Locator("#price")).ToContainTextAsync("19.99");
        await Assertions.Expect(preview.Locator("figure img").First).ToHaveJSPropertyAsync("complete", true);
        await BrowserKit.ScreenshotAsync(preview, "first-sale-5-preview");
        _violations.AddRange(await Accessibility.SeriousViolationsAsync(preview, "preview"));
        await preview.ClickAsync("#add-to-cart button");
        await preview.WaitForURLAsync(u => u.EndsWith("/cart", StringComparison.Ordinal));
        // One line, the book product's variant, the story as a private property the theme does not show.
        var line = _store.Cart.Single();
        Assert.That(line.VariantId, Is.EqualTo(OnlineStore.VariantOf(product)));
        await Assertions.Expect(preview.Locator("#cart-lines")).Not.ToContainTextAsync("_story_id");
        await preview.ClickAsync("#checkout");
        await preview.WaitForURLAsync(u => u.Contains("/account/orders/", StringComparison.Ordinal));

        await using var db = _h.App.Db();
        var story = await db.Stories.AsNoTracking().SingleAsync(s => s.ChildName == "Amara");
        Assert.That(line.Properties["_story_id"], Is.EqualTo(story.Id.ToString()));
        Assert.That((story.Genre, story.Companions.Single().Name), Is.EqualTo(("ocean", "Coco")));
        return (preview, story);
    }

    private async Task TheBuyerFindsTheBookOnTheOrderAsync(IPage buyer, Story story)
    {
        // The order's status page: the extension shows the book — being made, then Read · Download on the same page
        // (it asks again while a book is being made).
        var placed = _store.Orders.Values.Single();
        Assert.That(placed.StoryId, Is.EqualTo(story.Id.ToString()));
        var extension = buyer.FrameLocator("#extension");
        var links = extension.Locator("s-link");
        await Assertions.Expect(links).ToHaveCountAsync(2, new() { Timeout = 150_000 });
        Assert.That(await links.AllInnerTextsAsync(), Is.EqualTo(new[] { "Read", "Download" }));
        var made = await _h.App.WaitForStoryAsync(story.Id, TimeSpan.FromSeconds(5));
        await Assertions.Expect(extension.Locator("s-text[type=strong]")).ToHaveTextAsync(made.Title!);
        await BrowserKit.ScreenshotAsync(buyer, "first-sale-6-order-status");

        // Download: the buyer's page with the book's files; the PDF is the book with the child's name printed in it.
        var download = await links.Nth(1).GetAttributeAsync("href");
        Assert.That(download, Does.StartWith($"{_kit.Base.TrimEnd('/')}/downloads/"));
        await buyer.GotoAsync(download!);
        await Assertions.Expect(buyer.Locator("h1")).ToHaveTextAsync(made.Title!);
        var pdfLink = buyer.Locator("ul a", new() { HasText = "PDF" }).First;
        var pdfUrl = new Uri(new Uri(buyer.Url), await pdfLink.GetAttributeAsync("href"));
        await BrowserKit.ScreenshotAsync(buyer, "first-sale-7-download");
        _violations.AddRange(await Accessibility.SeriousViolationsAsync(buyer, "download page"));
        var pdf = await (await buyer.APIRequest.GetAsync(pdfUrl.ToString())).BodyAsync();
        Assert.That(await PdfFacts.TextAsync(pdf), Does.Contain("Amara").And.Contain("Coco"));
        // The reader the download page opens.
        await buyer.ClickAsync("#read");
        await Assertions.Expect(buyer.Locator("body")).ToContainTextAsync("Amara");
        _violations.AddRange(await Accessibility.SeriousViolationsAsync(buyer, "reader"));
        // The preview's tab belongs to the shopper's window (a page of its own context): closing that closes both.
        await buyer.Context.CloseAsync();
    }
}
