namespace StorybookShop.Generation.OpenAI;

public sealed class OpenAiOptions
{
    public const string Section = "OpenAI";
    public string ApiKey { get; set; } = "";

    /// <summary>Empty: api.openai.com. Tests point it at a local fake that speaks the same wire format.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The chat model for story text (never hard-coded: models are retired; check /v1/models).</summary>
    public string TextModel { get; set; } = "";
    public string ModerationModel { get; set; } = "omni-moderation-latest";
    public OpenAiImageOptions Images { get; set; } = new();
    public OpenAiAudioOptions Audio { get; set; } = new();

    /// <summary>USD per 1M tokens by model, for the cost ledger.</summary>
    public Dictionary<string, TokenPrice> TextPrices { get; set; } = [];
}
