namespace StorybookShop.Generation.ElevenLabs;

public sealed class ElevenLabsOptions
{
    public const string Section = "ElevenLabs";
    public string ApiKey { get; set; } = "";

    /// <summary>Base address; tests point it at a local fake that speaks the same wire format.</summary>
    public string Endpoint { get; set; } = "https://api.elevenlabs.io";

    /// <summary>The TTS model id (from configuration; list yours with GET /v1/models).</summary>
    public string ModelId { get; set; } = "";

    /// <summary>The default voice id (GET /v1/voices); a shop may choose its own.</summary>
    public string VoiceId { get; set; } = "";
    public string OutputFormat { get; set; } = "mp3_44100_128";

    /// <summary>Send language_code: only some models accept it (others answer 400), so it is off unless the model
    /// does.</summary>
    public bool SendLanguageCode { get; set; }

    /// <summary>Requests in flight per process: keep it at or below the plan's concurrency limit.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>How long a page may wait for a free slot when ElevenLabs answers
    /// too_many_concurrent_requests.</summary>
    public TimeSpan MaxSlotWait { get; set; } = TimeSpan.FromMinutes(2);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>USD per 1,000 characters, for the ledger.</summary>
    public decimal PricePerThousandCharacters { get; set; }
}
