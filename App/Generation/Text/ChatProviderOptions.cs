using StorybookShop.Generation.OpenAI;

namespace StorybookShop.Generation.Text;

/// <summary>
/// A chat provider for story text besides OpenAI: Claude (<c>Anthropic</c> section) or any OpenAI-compatible endpoint
/// (<c>OpenAICompatible</c> section: a self-hosted model server or another vendor's compatible API). Available to shops
/// and experiments when its key (Claude) or endpoint (compatible) and model are set.
/// </summary>
public sealed class ChatProviderOptions
{
    public const string AnthropicSection = "Anthropic";
    public const string CompatibleSection = "OpenAICompatible";

    public string ApiKey { get; set; } = "";

    /// <summary>Claude: empty = api.anthropic.com (tests point it at a fake). Compatible: the API root, e.g.
    /// <c>http://10.0.0.5:8000/v1</c>.</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>The model for story text (never hard-coded: models are retired).</summary>
    public string TextModel { get; set; } = "";

    /// <summary>Claude needs a ceiling for the answer's length; a 32-page story is about 6,000 tokens.</summary>
    public int MaxOutputTokens { get; set; } = 8192;
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>USD per 1M tokens by model, for the cost ledger.</summary>
    public Dictionary<string, TokenPrice> TextPrices { get; set; } = [];
}
