namespace StorybookShop.Generation.OpenAI;

public sealed class OpenAiImageOptions
{
    /// <summary>The image model (from configuration: dall-e-2/3 are shut down and gpt-image-1 is retired).</summary>
    public string Model { get; set; } = "";
    public string Size { get; set; } = "1024x1024";
    public string Quality { get; set; } = "high";
    public int JpegQuality { get; set; } = 90;

    /// <summary>Image requests in flight per process, across all stories and shops.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>USD per image by "{quality}-{size}", e.g. "high-1024x1024" (no colon: it separates configuration
    /// sections).</summary>
    public Dictionary<string, decimal> Prices { get; set; } = [];
}
