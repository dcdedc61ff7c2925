namespace StorybookShop.Storage;

/// <summary>Where books, pictures and audio live. Keys are slash-separated paths below one root.</summary>
public interface IAssetStore
{
    Task PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken ct = default);
    Task<byte[]?> GetAsync(string key, CancellationToken ct = default);
    Task<bool> ExistsAsync(string key, CancellationToken ct = default);

    /// <summary>A URL a browser can fetch the asset from until <paramref name="lifetime"/> has passed.</summary>
    Uri GetUrl(string key, TimeSpan lifetime);
    Task DeletePrefixAsync(string prefix, CancellationToken ct = default);
}
