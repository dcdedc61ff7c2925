using StorybookShop.Generation.Offline;

namespace StorybookShop.Generation;

public sealed class OfflineOptions
{
    public OfflineIllustrationOptions Illustrations { get; set; } = new();
    public OfflineNarrationOptions Narration { get; set; } = new();
}
