namespace StorybookShop.Generation.OpenAI;

public sealed class OpenAiAudioOptions
{
    /// <summary>The speech model (from configuration, e.g. a gpt-4o-mini-tts or tts-1 family id).</summary>
    public string Model { get; set; } = "";

    /// <summary>Default voice name; a shop may choose its own.</summary>
    public string Voice { get; set; } = "coral";

    /// <summary>How to read (models that take instructions); empty sends none.</summary>
    public string? Instructions { get; set; }

    /// <summary>USD per 1,000 characters of input, for the ledger.</summary>
    public decimal PricePerThousandCharacters { get; set; }

    /// <summary>The speech recogniser that gives the narration its word timings (<c>/v1/audio/transcriptions</c> with
    /// word timestamps, which needs a whisper-family model); empty: no timings, so no read-along.</summary>
    public string TranscriptionModel { get; set; } = "whisper-1";

    /// <summary>USD per minute of audio transcribed, for the ledger.</summary>
    public decimal TranscriptionPricePerMinute { get; set; }
}
