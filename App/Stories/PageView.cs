using StorybookShop.Data;

namespace StorybookShop.Stories;

/// <summary>A page; <c>Words</c> are the narration's word timings (seconds into <c>AudioUrl</c>) for a read-along
/// highlighter.</summary>
public sealed record PageView(
    int Number,
    string Text,
    string? ImageUrl,
    string? AudioUrl,
    string ImageStage,
    string AudioStage,
    double? AudioSeconds,
    IReadOnlyList<WordTiming>? Words,
    string? Error
);
