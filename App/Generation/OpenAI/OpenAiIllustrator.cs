using System.ClientModel;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Images;

namespace StorybookShop.Generation.OpenAI;

/// <summary>
/// Pictures from OpenAI's image API as JPEG (in the PDF a JPEG is copied as-is). The prompt already carries
/// every character's fixed description and the style guide (see IllustrationStage), so the child looks the
/// same on every page. A process-wide limit keeps the number of requests in flight bounded.
/// </summary>
public sealed class OpenAiIllustrator(IOptions<OpenAiOptions> options, IHttpClientFactory http)
    : IIllustrator,
        IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.Images.Concurrency));
    private ImageClient? _client;

    public string Provider => Generation.Providers.OpenAI;

    private ImageClient Client =>
        _client ??= new ImageClient(
            options.Value.Images.Model,
            new ApiKeyCredential(options.Value.ApiKey),
            OpenAiClientOptions.ForJobs(options.Value, http)
        );

    /// <summary>A line-art request per page from the same scene brief and character looks.</summary>
    public Task<ProviderResult<byte[]>> DrawLineArtAsync(IllustrationRequest request, CancellationToken ct) =>
        DrawAsync(request with { Prompt = IIllustrator.LineArtPrompt(request) }, ct);

    public async Task<ProviderResult<byte[]>> DrawAsync(IllustrationRequest request, CancellationToken ct)
    {
        var o = options.Value.Images;
        var size = o.Size.Split('x');
        await _slots.WaitAsync(ct);
        try
        {
            var image = (await OpenAiRefusals.GuardAsync(Generation.Providers.OpenAI, () => Client.GenerateImageAsync(
                        request.Prompt,
                        new ImageGenerationOptions
                        {
                            Size = new GeneratedImageSize(
                                int.Parse(size[0], System.Globalization.CultureInfo.InvariantCulture),
                                int.Parse(size[1], System.Globalization.CultureInfo.InvariantCulture)
                            ),
                            Quality = new GeneratedImageQuality(o.Quality),
                            OutputFileFormat = GeneratedImageFileFormat.Jpeg,
                            OutputCompressionFactor = o.JpegQuality,
                        },
                        ct
                    ))).Value;
            var bytes = image.ImageBytes?.ToArray()
                ?? throw new InvalidOperationException("OpenAI returned no image bytes.");
            if (bytes.Length < 3 || bytes[0] != 0xFF || bytes[1] != 0xD8)
                throw new InvalidOperationException("OpenAI returned an image that is not a JPEG.");
            var price = o.Prices.TryGetValue($"{o.Quality}-{o.Size}", out var p) ? p : 0m;
            return new ProviderResult<byte[]>(
                bytes,
                o.Model,
                price,
                new
                {
                    o.Size,
                    o.Quality,
                    bytes = bytes.Length,
                }
            );
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
