using System.Text.Json.Serialization;
using StorybookShop.Data;

namespace StorybookShop.Reader;

/// <summary>
/// The one JSON document the reader runs on: the book's title and language, its cover, and every page with its
/// text, picture, narration and word timings (<c>w</c> word, <c>s</c> start, <c>e</c> end, in seconds).
/// </summary>
public sealed record ReaderManifest(
    string Title,
    string Language,
    string? Cover,
    IReadOnlyList<ReaderManifest.Page> Pages,
    bool Preview,
    int MorePages,
    ReaderManifest.Labels Text
)
{
    public sealed record Page(
        int Number,
        string Text,
        string? Picture,
        string? Audio,
        double? Seconds,
        IReadOnlyList<Word>? Words
    );

    public sealed record Word(
        [property: JsonPropertyName("w")] string Text,
        [property: JsonPropertyName("s")] double Start,
        [property: JsonPropertyName("e")] double End
    );

    /// <summary>The reader's own words, in the reader's language (the book's).</summary>
    public sealed record Labels(
        string ReadToMe,
        string Pause,
        string Resume,
        string IllRead,
        string Previous,
        string Next,
        string Smaller,
        string Larger,
        string Cover,
        string PageOf,
        string TheEnd,
        string MoreInBook
    );

    /// <param name="url">A link to an asset (signed, or a preview's stamped picture); null when it is not made.</param>
    public static ReaderManifest For(
        Story story,
        IEnumerable<StoryPage> pages,
        Func<string, string> url,
        Func<int, string?>? picture = null,
        bool preview = false
    )
    {
        var shown = pages.OrderBy(p => p.Number).ToList();
        return new ReaderManifest(
            story.Title ?? "",
            story.Language,
            picture is not null ? picture(0)
                : story.CoverImage is null ? null
                : url(story.CoverImage),
            [
                .. shown.Select(p => new Page(
                    p.Number,
                    p.Text,
                    picture is not null ? picture(p.Number)
                        : p.ImageKey is null || p.ImageStage != AssetStage.Done ? null
                        : url(p.ImageKey),
                    preview || p.AudioKey is null || p.AudioStage != AssetStage.Done ? null : url(p.AudioKey),
                    preview ? null : p.AudioSeconds,
                    preview ? null : p.Words?.Select(w => new Word(w.Word, w.Start, w.End)).ToList()
                )),
            ],
            preview,
            Math.Max(0, story.Pages.Count - shown.Count),
            ReaderLabels.For(story.Language)
        );
    }
}
