using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using StorybookShop.Shopify;

namespace StorybookShop.Tests.Shopify;

public sealed class ShopifySignatureTests
{
    private const string DocumentedOAuthQuery =
        "code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com"
        + "&state=0.6784241404160823&timestamp=1337178173";

    [Test]
    public void Shopifys_documented_oauth_example_verifies_with_its_secret()
    {
        Assert.That(
            ShopifySignatures.HexHmac(DocumentedOAuthQuery, "hush"),
            Is.EqualTo("700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf")
        );
        var query = QueryHelpers.ParseQuery(
            DocumentedOAuthQuery + "&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf"
        );
        Assert.That(ShopifySignatures.VerifyQueryHmac(query, ["hush"]), Is.True);
        Assert.That(ShopifySignatures.VerifyQueryHmac(query, ["not-hush"]), Is.False);
        Assert.That(
            ShopifySignatures.VerifyQueryHmac(query, ["rotated-new", "hush"]),
            Is.True,
            "the previous secret still verifies during rotation"
        );
        // The vector's timestamp is from 2012: only the relaxed window accepts it.
        Assert.That(
            ShopifySignatures.IsFresh(query["timestamp"], TimeProvider.System, TimeSpan.FromSeconds(90)),
            Is.False
        );
    }

    [TestCase(
        "code=0907a61c0c8d55e99db179b68161bc00&shop=evil-shop.myshopify.com"
            + "&state=0.6784241404160823&timestamp=1337178173"
    )]
    [TestCase(
        "code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com"
            + "&state=0.6784241404160823&timestamp=1337178174"
    )]
    [TestCase(
        "code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com"
            + "&state=0.6784241404160823&timestamp=1337178173&extra=1"
    )]
    public void A_tampered_oauth_query_does_not_verify(string tampered) =>
        Assert.That(
            ShopifySignatures.VerifyQueryHmac(
                QueryHelpers.ParseQuery(
                    tampered + "&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf"
                ),
                ["hush"]
            ),
            Is.False
        );

    [Test]
    public void Shopifys_documented_app_proxy_example_verifies_and_joins_repeated_keys_with_commas()
    {
        var query = QueryHelpers.ParseQuery(
            "extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1&path_prefix=%2Fapps%2Fawesome_reviews"
                + "&timestamp=1317327555&signature=4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb"
        );
        Assert.That(ShopifySignatures.VerifyAppProxy(query, ["hush"]), Is.True);
        var withoutCustomer = new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>(query);
        withoutCustomer.Remove("logged_in_customer_id");
        Assert.That(ShopifySignatures.VerifyAppProxy(withoutCustomer, ["hush"]), Is.False, "the customer id is signed");
        Assert.That(
            ShopifySignatures.VerifyAppProxy(
                QueryHelpers.ParseQuery("shop=shop-name.myshopify.com&timestamp=1317327555"),
                ["hush"]
            ),
            Is.False,
            "unsigned"
        );
    }

    [TestCase("some-shop.myshopify.com", true)]
    [TestCase("a1-b2.myshopify.com", true)]
    [TestCase("evil.com", false)]
    [TestCase("x.myshopify.com.evil.com", false)]
    [TestCase("-dash.myshopify.com", false)]
    [TestCase("shop.myshopify.com/admin", false)]
    [TestCase("", false)]
    [TestCase(null, false)]
    public void Only_myshopify_domains_are_shops(string? shop, bool valid) =>
        Assert.That(ShopifySignatures.IsShopDomain(shop), Is.EqualTo(valid));

    [Test]
    public void Webhook_hmac_is_base64_of_the_raw_body_and_checked_against_each_live_secret()
    {
        var body = Encoding.UTF8.GetBytes("{\"id\":1}");
        var header = ShopifySignatures.SignWebhook(body, "s3cret");
        Assert.That(ShopifySignatures.VerifyWebhook(body, header, ["s3cret"]), Is.True);
        Assert.That(ShopifySignatures.VerifyWebhook(body, header, ["new", "s3cret"]), Is.True);
        Assert.That(
            ShopifySignatures.VerifyWebhook(Encoding.UTF8.GetBytes("{\"id\":2}"), header, ["s3cret"]),
            Is.False,
            "tampered body"
        );
        Assert.That(ShopifySignatures.VerifyWebhook(body, header, ["other"]), Is.False, "wrong secret");
        Assert.That(ShopifySignatures.VerifyWebhook(body, "not base64!", ["s3cret"]), Is.False);
        Assert.That(ShopifySignatures.VerifyWebhook(body, null, ["s3cret"]), Is.False);
    }

    [Test]
    public void A_signed_timestamp_must_be_within_90_seconds()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.That(ShopifySignatures.IsFresh(now.ToString(), TimeProvider.System, TimeSpan.FromSeconds(90)), Is.True);
        Assert.That(
            ShopifySignatures.IsFresh((now - 120).ToString(), TimeProvider.System, TimeSpan.FromSeconds(90)),
            Is.False
        );
        Assert.That(
            ShopifySignatures.IsFresh((now + 120).ToString(), TimeProvider.System, TimeSpan.FromSeconds(90)),
            Is.False
        );
        Assert.That(ShopifySignatures.IsFresh("soon", TimeProvider.System, TimeSpan.FromSeconds(90)), Is.False);
    }
}
