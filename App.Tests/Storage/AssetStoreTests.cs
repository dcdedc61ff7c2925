using System.Net;
using Amazon.S3;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StorybookShop.Storage;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Storage;

public sealed class LocalAssetStoreTests
{
    [Test]
    public async Task A_signed_link_works_until_it_expires_and_not_when_tampered()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new LocalAssetStore(
            Options.Create(new StorageOptions { Local = { Root = TestServices.TempDirectory("local") } }),
            clock
        );
        await store.PutAsync("shops/a/book.pdf", "%PDF-1.7"u8.ToArray(), "application/pdf");
        var url = store.GetUrl("shops/a/book.pdf", TimeSpan.FromMinutes(10)).ToString();
        var query = System.Web.HttpUtility.ParseQueryString(url[(url.IndexOf('?') + 1)..]);
        var exp = long.Parse(query["exp"]!);

        Assert.That(store.Verify("shops/a/book.pdf", exp, query["sig"]), Is.True);
        Assert.That(store.Verify("shops/b/book.pdf", exp, query["sig"]), Is.False, "a signature is for one key");
        Assert.That(store.Verify("shops/a/book.pdf", exp + 3600, query["sig"]), Is.False, "the expiry is signed");
        // The expiry is rounded up to a quarter of the lifetime (stable links): at most 12.5 minutes here.
        Assert.That(exp - clock.GetUtcNow().ToUnixTimeSeconds(), Is.InRange(600, 750));
        clock.Advance(TimeSpan.FromMinutes(12.6));
        Assert.That(store.Verify("shops/a/book.pdf", exp, query["sig"]), Is.False, "expired");
    }

    [Test]
    public void A_link_signed_again_soon_after_is_the_same_link_so_the_browser_cache_answers()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 1, 0, TimeSpan.Zero));
        var store = new LocalAssetStore(
            Options.Create(new StorageOptions { Local = { Root = TestServices.TempDirectory("local") } }),
            clock
        );
        var life = TimeSpan.FromHours(1);
        var first = store.GetUrl("shops/a/stories/b/pages/01.jpg", life);
        clock.Advance(TimeSpan.FromSeconds(30)); // the story page re-signs its pictures every few seconds
        Assert.That(store.GetUrl("shops/a/stories/b/pages/01.jpg", life), Is.EqualTo(first));
        clock.Advance(TimeSpan.FromMinutes(15));
        Assert.That(store.GetUrl("shops/a/stories/b/pages/01.jpg", life), Is.Not.EqualTo(first), "then a new one");
        // A short-lived link (a download's file) expires exactly when asked.
        var file = store.GetUrl("shops/a/stories/b/book/screen.pdf", TimeSpan.FromSeconds(60)).ToString();
        Assert.That(
            long.Parse(System.Web.HttpUtility.ParseQueryString(file[(file.IndexOf('?') + 1)..])["exp"]!),
            Is.EqualTo(clock.GetUtcNow().ToUnixTimeSeconds() + 60)
        );
    }

    [TestCase("../etc/passwd")]
    [TestCase("shops/../../x")]
    [TestCase("/abs")]
    [TestCase("a//b")]
    public void Keys_that_climb_out_of_the_store_are_refused(string key) =>
        Assert.That(AssetKeys.IsSafe(key), Is.False);

    [Test]
    public async Task Writes_are_whole_and_a_prefix_deletes_a_story()
    {
        var store = new LocalAssetStore(
            Options.Create(new StorageOptions { Local = { Root = TestServices.TempDirectory("local") } }),
            TimeProvider.System
        );
        await store.PutAsync("shops/s/stories/x/a.jpg", new byte[] { 1, 2, 3 }, "image/jpeg");
        await store.PutAsync("shops/s/stories/x/b/c.mp3", new byte[] { 4 }, "audio/mpeg");
        Assert.That(await store.GetAsync("shops/s/stories/x/a.jpg"), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(Directory.GetFiles(store.Root, "*.tmp", SearchOption.AllDirectories), Is.Empty);
        await store.DeletePrefixAsync("shops/s/stories/x/");
        Assert.That(await store.ExistsAsync("shops/s/stories/x/a.jpg"), Is.False);
        Assert.That(await store.ExistsAsync("shops/s/stories/x/b/c.mp3"), Is.False);
    }
}

/// <summary>The S3 store against s3rver, a real S3 API on 127.0.0.1.</summary>
public sealed class S3AssetStoreTests
{
    private S3AssetStore _store = null!;
    private IAmazonS3 _client = null!;

    [OneTimeSetUp]
    public async Task Connect()
    {
        var options = new StorageOptions
        {
            Provider = "S3",
            S3 =
            {
                Bucket = "sbs-" + Guid.NewGuid().ToString("N")[..12],
                ServiceUrl = TestServices.S3Url,
                ForcePathStyle = true,
                AccessKey = "S3RVER",
                SecretKey = "S3RVER",
            },
        };
        _client = S3AssetStore.CreateClient(options.S3);
        _store = new S3AssetStore(_client, Options.Create(options));
        await _store.EnsureBucketAsync();
    }

    [OneTimeTearDown]
    public void Disconnect() => _client.Dispose();

    [Test]
    public async Task Put_get_and_exists_round_trip_the_exact_bytes()
    {
        var bytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();
        await _store.PutAsync("shops/1/stories/2/images/page-01.jpg", bytes, "image/jpeg");
        Assert.That(
            await _store.GetAsync("shops/1/stories/2/images/page-01.jpg"),
            Is.EqualTo(bytes),
            "no chunk framing stored"
        );
        Assert.That(await _store.ExistsAsync("shops/1/stories/2/images/page-01.jpg"), Is.True);
        Assert.That(await _store.ExistsAsync("shops/1/stories/2/images/nope.jpg"), Is.False);
        Assert.That(await _store.GetAsync("shops/1/stories/2/images/nope.jpg"), Is.Null);
    }

    [Test]
    public async Task A_presigned_url_downloads_the_asset_over_plain_http()
    {
        await _store.PutAsync("shops/1/stories/3/book/screen.pdf", "%PDF-1.7 test"u8.ToArray(), "application/pdf");
        var url = _store.GetUrl("shops/1/stories/3/book/screen.pdf", TimeSpan.FromMinutes(5));
        Assert.That(url.Query, Does.Contain("X-Amz-Signature").Or.Contain("Signature"));
        using var http = new HttpClient();
        var response = await http.GetAsync(url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("%PDF-1.7 test"));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/pdf"));
    }

    [Test]
    public async Task A_long_lived_link_is_handed_out_unchanged_so_the_browser_can_cache_it_and_a_short_one_is_not()
    {
        await _store.PutAsync("shops/1/stories/4/images/page-02.jpg", new byte[] { 1, 2, 3 }, "image/jpeg");
        var first = _store.GetUrl("shops/1/stories/4/images/page-02.jpg", TimeSpan.FromHours(1));
        var shortFirst = _store.GetUrl("shops/1/stories/4/images/page-02.jpg", TimeSpan.FromMinutes(1));
        // Presigned URLs carry their signing second: a second later a new signature would be another URL.
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        Assert.That(_store.GetUrl("shops/1/stories/4/images/page-02.jpg", TimeSpan.FromHours(1)), Is.EqualTo(first));
        Assert.That(
            _store.GetUrl("shops/1/stories/4/images/page-02.jpg", TimeSpan.FromMinutes(1)),
            Is.Not.EqualTo(shortFirst)
        );
        using var http = new HttpClient();
        Assert.That((await http.GetAsync(first)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "still a valid link");
    }

    [Test]
    public async Task Deleting_a_story_prefix_removes_all_its_assets_and_nothing_else()
    {
        await _store.PutAsync("shops/9/stories/a/x.jpg", new byte[] { 1 }, "image/jpeg");
        await _store.PutAsync("shops/9/stories/a/y/z.mp3", new byte[] { 2 }, "audio/mpeg");
        await _store.PutAsync("shops/9/stories/b/x.jpg", new byte[] { 3 }, "image/jpeg");
        await _store.DeletePrefixAsync("shops/9/stories/a/");
        Assert.That(await _store.ExistsAsync("shops/9/stories/a/x.jpg"), Is.False);
        Assert.That(await _store.ExistsAsync("shops/9/stories/a/y/z.mp3"), Is.False);
        Assert.That(await _store.ExistsAsync("shops/9/stories/b/x.jpg"), Is.True);
    }

    [Test]
    public void With_a_public_cdn_only_preview_pictures_get_permanent_links_and_a_books_files_stay_signed()
    {
        var options = new StorageOptions
        {
            Provider = "S3",
            S3 =
            {
                Bucket = "sbs-cdn",
                ServiceUrl = TestServices.S3Url,
                ForcePathStyle = true,
                AccessKey = "S3RVER",
                SecretKey = "S3RVER",
                PublicBaseUrl = "https://cdn.example.com",
            },
        };
        using var client = S3AssetStore.CreateClient(options.S3);
        var store = new S3AssetStore(client, Options.Create(options));
        var book = store.GetUrl("shops/1/stories/3/book/screen.pdf", TimeSpan.FromSeconds(60));
        Assert.That(book.Host, Is.Not.EqualTo("cdn.example.com"), "a paid file never gets a link that does not expire");
        Assert.That(book.Query, Does.Contain("X-Amz-Signature").Or.Contain("Signature"));
        Assert.That(
            store.GetUrl("shops/1/stories/3/audio/book.mp3", TimeSpan.FromSeconds(60)).Host,
            Is.Not.EqualTo("cdn.example.com")
        );
        Assert.That(
            store.GetUrl("shops/1/stories/3/preview/02.jpg", TimeSpan.FromSeconds(60)).ToString(),
            Is.EqualTo("https://cdn.example.com/shops/1/stories/3/preview/02.jpg")
        );
    }
}
