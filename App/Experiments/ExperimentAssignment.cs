using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;

namespace StorybookShop.Experiments;

/// <summary>
/// Puts a new story into the shop's running experiment, once: the arm follows from the story's id alone (a hash into
/// the weights), so the same story always lands in the same arm — a retried job, a second node, a re-run stage.
/// </summary>
public static class ExperimentAssignment
{
    public static async Task AssignAsync(AppDbContext db, Story story, DateTimeOffset now, CancellationToken ct)
    {
        if (story.ExperimentId is not null)
            return;
        var running = await db
            .Experiments.AsNoTracking()
            .Where(e => e.ShopId == story.ShopId && e.StoppedAt == null && e.StartsAt <= now && now < e.EndsAt)
            .OrderByDescending(e => e.CreatedAt)
            .FirstOrDefaultAsync(ct);
        if (running is null)
            return;
        story.ExperimentId = running.Id;
        story.ExperimentArm = Pick(story.Id, running.Arms).Key;
    }

    /// <summary>The arm for a story id: the id's hash, uniform over 0..2^64, scaled into the arms' weights.</summary>
    public static ExperimentArm Pick(Guid storyId, IReadOnlyList<ExperimentArm> arms)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(storyId.ToByteArray(), hash);
        var total = (ulong)arms.Sum(a => a.Weight);
        var point = BitConverter.ToUInt64(hash) % total;
        foreach (var arm in arms)
        {
            if (point < (ulong)arm.Weight)
                return arm;
            point -= (ulong)arm.Weight;
        }
        return arms[^1];
    }
}
