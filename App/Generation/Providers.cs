namespace StorybookShop.Generation;

/// <summary>The providers' names: in settings, in the ledger, and as the keys their services are registered
/// under.</summary>
public static class Providers
{
    public const string Offline = "offline";
    public const string OpenAI = "openai";
    public const string Anthropic = "anthropic";
    public const string Compatible = "compatible";
    public const string ElevenLabs = "elevenlabs";

    /// <summary>No moderation.</summary>
    public const string None = "none";
}
