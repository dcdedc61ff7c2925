using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;

namespace StorybookShop.Generation;

/// <summary>How a story stops with a reason the merchant can read.</summary>
public static class StoryErrors
{
    /// <summary>Puts a story that is still Generating into Error with the reason; false if it already left
    /// Generating.</summary>
    public static async Task<bool> MarkErrorAsync(
        IDbContextFactory<AppDbContext> contexts,
        Guid storyId,
        string reason,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        if (reason.Length > 1000)
            reason = reason[..1000];
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db
                .Stories.Where(s => s.Id == storyId)
                .Where(StoryLifecycle.Fail.Allowed)
                .ExecuteUpdateAsync(u => StoryLifecycle.Fail.Set(u, now).SetProperty(s => s.FailureReason, reason), ct)
            > 0;
    }
}
