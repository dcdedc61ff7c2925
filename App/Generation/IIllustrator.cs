namespace StorybookShop.Generation;

public interface IIllustrator
{
    string Provider { get; }
    /// <summary>Returns a JPEG: in the PDF a JPEG is copied as-is, a PNG is re-encoded and grows.</summary>
    Task<ProviderResult<byte[]>> DrawAsync(IllustrationRequest request, CancellationToken ct);
}
