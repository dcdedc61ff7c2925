using StorybookShop.Data;

namespace StorybookShop.Generation;

/// <summary>
/// Some pages' pictures or narration were refused by the provider (400/401/403/404/422): the other pages are
/// done, and the merchant can regenerate the refused ones. Retrying the stage as it is would not change that.
/// </summary>
public sealed class PagesFailedException(PipelineStages stage, IReadOnlyList<(int Number, string Error)> pages)
    : Exception(
        $"{string.Join("; ", pages.OrderBy(p => p.Number).Select(p => $"{Name(p.Number)}: {p.Error}"))}. "
            + $"The other pages are done; regenerate {(pages.Count == 1 ? "that page" : "those pages")} to finish "
            + $"the book."
    )
{
    public PipelineStages Stage { get; } = stage;

    private static string Name(int page) => page == 0 ? "the cover" : $"page {page}";

    public IReadOnlyList<int> Pages { get; } = pages.Select(p => p.Number).Order().ToList();
}
