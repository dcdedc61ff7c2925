using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Storage;

namespace StorybookShop.Stories;

/// <summary>Erases stories for good: their jobs stop, their files go, their rows go (pages, ledger and deliveries
/// cascade).</summary>
public sealed class StoryEraser(IAssetStore assets, StoryPipeline pipeline)
{
    public async Task EraseAsync(AppDbContext db, Guid shopId, IReadOnlyCollection<Guid> stories, CancellationToken ct)
    {
        foreach (var id in stories)
        {
            await pipeline.CancelAsync(id, ct: ct);
            await assets.DeletePrefixAsync(AssetKeys.StoryPrefix(shopId, id), ct);
        }
        await db.Stories.Where(s => stories.Contains(s.Id)).ExecuteDeleteAsync(ct);
    }
}
