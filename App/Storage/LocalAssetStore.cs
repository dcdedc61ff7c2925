using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace StorybookShop.Storage;

/// <summary>Assets on local disk, served by the app at /assets/{key} with an expiring HMAC signature.</summary>
public sealed class LocalAssetStore : IAssetStore
{
    private readonly string _root;
    private readonly string? _baseUrl;
    private readonly byte[] _key;
    private readonly TimeProvider _clock;

    public LocalAssetStore(IOptions<StorageOptions> options, TimeProvider clock)
    {
        var local = options.Value.Local;
        _root = Path.GetFullPath(local.Root);
        Directory.CreateDirectory(_root);
        _baseUrl = string.IsNullOrWhiteSpace(local.PublicBaseUrl) ? null : local.PublicBaseUrl.TrimEnd('/');
        _key = string.IsNullOrWhiteSpace(local.SigningKey)
            ? LoadOrCreateKey(_root)
            : Encoding.UTF8.GetBytes(local.SigningKey);
        _clock = clock;
    }

    public string Root => _root;

    public async Task PutAsync(
        string key,
        ReadOnlyMemory<byte> content,
        string contentType,
        CancellationToken ct = default
    )
    {
        var path = PathFor(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Write then rename, so a reader (or a crash) never sees half a file.
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temp, content.ToArray(), ct);
        File.Move(temp, path, overwrite: true);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken ct = default)
    {
        var path = PathFor(key);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, ct) : null;
    }

    public Task<bool> ExistsAsync(string key, CancellationToken ct = default) =>
        Task.FromResult(File.Exists(PathFor(key)));

    public string PathFor(string key)
    {
        if (!AssetKeys.IsSafe(key))
            throw new ArgumentException($"Unsafe asset key '{key}'.", nameof(key));
        return Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    public Uri GetUrl(string key, TimeSpan lifetime)
    {
        // Links that live 10 minutes or more stay the same for a quarter of their lifetime (the expiry rounded up to
        // it), so a page that signs them again shows the browser the same URLs and its cache answers. Short-lived links
        // (a download's 60-second file links) expire exactly when asked.
        var window = lifetime >= TimeSpan.FromMinutes(10) ? (long)lifetime.TotalSeconds / 4 : 1L;
        var due = _clock.GetUtcNow().Add(lifetime).ToUnixTimeSeconds();
        var expires = (due + window - 1) / window * window;
        var escaped = Uri.EscapeDataString(key).Replace("%2F", "/", StringComparison.Ordinal);
        var path = $"/assets/{escaped}?exp={expires}&sig={Sign(key, expires)}";
        return _baseUrl is null ? new Uri(path, UriKind.Relative) : new Uri(_baseUrl + path);
    }

    public bool Verify(string key, long expires, string? signature)
    {
        if (signature is null || expires < _clock.GetUtcNow().ToUnixTimeSeconds())
            return false;
        var expected = Encoding.ASCII.GetBytes(Sign(key, expires));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }

    public Task DeletePrefixAsync(string prefix, CancellationToken ct = default)
    {
        var path = PathFor(prefix.TrimEnd('/'));
        if (Directory.Exists(path))
            Directory.Delete(path, recursive: true);
        else if (File.Exists(path))
            File.Delete(path);
        return Task.CompletedTask;
    }

    private string Sign(string key, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{key}\n{expires}")));

    private static byte[] LoadOrCreateKey(string root)
    {
        var file = Path.Combine(root, ".signing-key");
        if (!File.Exists(file))
        {
            try
            {
                using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToHexString(RandomNumberGenerator.GetBytes(32))));
            }
            catch (IOException) when (File.Exists(file)) { } // another node won the race
        }
        return Encoding.ASCII.GetBytes(File.ReadAllText(file).Trim());
    }
}
