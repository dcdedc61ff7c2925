namespace StorybookShop.Generation;

public interface IIllustrator
{
    string Provider { get; }

    /// <summary>Returns a JPEG: in the PDF a JPEG is copied as-is, a PNG is re-encoded and grows.</summary>
    Task<ProviderResult<byte[]>> DrawAsync(IllustrationRequest request, CancellationToken ct);

    /// <summary>The same scene as a colouring page: bold outlines on white, no fills (a JPEG).</summary>
    Task<ProviderResult<byte[]>> DrawLineArtAsync(IllustrationRequest request, CancellationToken ct);

    /// <summary>What a line-art request asks a picture model for, from the page's own brief and the characters'
    /// looks.</summary>
    static string LineArtPrompt(IllustrationRequest request) =>
        "A colouring-book page for a young child: bold, clean black outlines on pure white; no colour, no grey, no "
        + "shading, no filled areas, no text. The same scene and the same characters as the storybook picture: "
        + request.Prompt;
}
