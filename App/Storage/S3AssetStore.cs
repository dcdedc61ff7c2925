using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace StorybookShop.Storage;

/// <summary>Assets in an S3 bucket; browsers get pre-signed GET URLs (or CDN links when a public base URL is
/// set).</summary>
public sealed class S3AssetStore(IAmazonS3 s3, IOptions<StorageOptions> options) : IAssetStore, IDisposable
{
    private readonly S3StorageOptions _o = options.Value.S3;

    /// <summary>Signed links handed out, kept for a quarter of their lifetime (at most 20,000 of them).</summary>
    private readonly MemoryCache _links = new(new MemoryCacheOptions { SizeLimit = 20_000 });

    public async Task PutAsync(
        string key,
        ReadOnlyMemory<byte> content,
        string contentType,
        CancellationToken ct = default
    )
    {
        using var body = new MemoryStream(content.ToArray(), writable: false);
        await s3.PutObjectAsync(
            new PutObjectRequest
            {
                BucketName = _o.Bucket,
                Key = key,
                InputStream = body,
                ContentType = contentType,
                // Plain payloads: s3rver (tests) would otherwise store the aws-chunked framing.
                UseChunkEncoding = false,
            },
            ct
        );
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken ct = default)
    {
        try
        {
            using var response = await s3.GetObjectAsync(_o.Bucket, key, ct);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, ct);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken ct = default)
    {
        try
        {
            await s3.GetObjectMetadataAsync(_o.Bucket, key, ct);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public Uri GetUrl(string key, TimeSpan lifetime)
    {
        // The CDN's public links never expire: only for what anyone may see (a preview's stamped pictures), never
        // for a paid book's files.
        if (!string.IsNullOrWhiteSpace(_o.PublicBaseUrl) && AssetKeys.IsPublic(key))
            return new Uri($"{_o.PublicBaseUrl.TrimEnd('/')}/{key}");
        // A presigned URL carries its signing second (X-Amz-Date), so signing again always gives another URL and the
        // browser's cache never answers. Links that live 10 minutes or more are handed out again, unchanged, for a
        // quarter of their lifetime (each still valid for at least three quarters of it when handed out) — on this
        // node. Short-lived links (a download's file links) are signed at each ask.
        if (lifetime < TimeSpan.FromMinutes(10))
            return Sign(key, lifetime);
        var cacheKey = (key, lifetime);
        if (_links.TryGetValue(cacheKey, out Uri? signed) && signed is not null)
            return signed;
        signed = Sign(key, lifetime);
        _links.Set(
            cacheKey,
            signed,
            new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = lifetime / 4 }
        );
        return signed;
    }

    private Uri Sign(string key, TimeSpan lifetime)
    {
        var serviceUrl = _o.ServiceUrl;
        return new Uri(
            s3.GetPreSignedURL(
                new GetPreSignedUrlRequest
                {
                    BucketName = _o.Bucket,
                    Key = key,
                    Verb = HttpVerb.GET,
                    Expires = DateTime.UtcNow.Add(lifetime),
                    Protocol =
                        serviceUrl is not null && serviceUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                            ? Protocol.HTTP
                            : Protocol.HTTPS,
                }
            )
        );
    }

    public async Task DeletePrefixAsync(string prefix, CancellationToken ct = default)
    {
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(
                new ListObjectsV2Request
                {
                    BucketName = _o.Bucket,
                    Prefix = prefix,
                    ContinuationToken = token,
                },
                ct
            );
            foreach (var obj in page.S3Objects ?? [])
                await s3.DeleteObjectAsync(_o.Bucket, obj.Key, ct);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        } while (token is not null);
    }

    public async Task EnsureBucketAsync(CancellationToken ct = default)
    {
        try
        {
            await s3.PutBucketAsync(_o.Bucket, ct);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists") { }
    }

    public static IAmazonS3 CreateClient(S3StorageOptions o)
    {
        var config = new AmazonS3Config { ForcePathStyle = o.ForcePathStyle, AuthenticationRegion = o.Region };
        if (!string.IsNullOrWhiteSpace(o.ServiceUrl))
            config.ServiceURL = o.ServiceUrl;
        else
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(o.Region);
        return string.IsNullOrWhiteSpace(o.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(o.AccessKey, o.SecretKey), config);
    }

    public void Dispose() => _links.Dispose();
}
