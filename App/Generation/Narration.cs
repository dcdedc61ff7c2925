using StorybookShop.Data;

namespace StorybookShop.Generation;

/// <summary>MP3 audio, its length, the word timings when the provider gives them, and the provider's request
/// id.</summary>
public sealed record Narration(byte[] Mp3, double Seconds, IReadOnlyList<WordTiming>? Words, string? RequestId = null);
