using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;

namespace StorybookShop.Generation;

/// <summary>
/// Runs one provider call and writes its Generation row — prompt, result, cost, duration, provider —
/// whether it succeeded or failed. Each row has its own short-lived context, so calls can run in parallel.
/// </summary>
public sealed partial class GenerationLedger(
    IDbContextFactory<AppDbContext> contexts,
    TimeProvider clock,
    Telemetry.StoryMetrics metrics,
    ILogger<GenerationLedger> logger
)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<T> RecordAsync<T>(
        Guid storyId,
        GenerationType type,
        int? page,
        string provider,
        string prompt,
        Func<CancellationToken, Task<ProviderResult<T>>> call,
        Func<T, object?> describe,
        CancellationToken ct
    )
    {
        var started = Stopwatch.GetTimestamp();
        var row = new Data.Generation
        {
            Id = Guid.NewGuid(),
            StoryId = storyId,
            Type = type,
            PageNumber = page,
            Provider = provider,
            Prompt = prompt,
            CreatedAt = clock.GetUtcNow(),
        };
        try
        {
            var result = await call(ct);
            row.Model = result.Model;
            row.Cost = result.Cost;
            metrics.ProviderCost(provider, type.ToString(), result.Cost);
            row.Result = JsonSerializer.Serialize(
                new { output = describe(result.Value), details = result.Details },
                Json
            );
            return result.Value;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            row.Error = e.Message.Length > 2000 ? e.Message[..2000] : e.Message;
            throw;
        }
        finally
        {
            row.DurationMs = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            try
            {
                await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
                // The story's experiment arm rides on each of its rows (assigned when the story was made).
                row.ExperimentArm = await db
                    .Stories.Where(s => s.Id == storyId)
                    .Select(s => s.ExperimentArm)
                    .SingleOrDefaultAsync(CancellationToken.None);
                db.Generations.Add(row);
                await db.SaveChangesAsync(CancellationToken.None);
            }
            catch (Exception e)
            {
                // The call's own outcome matters more than its ledger row; say so loudly.
                Log.GenerationNotRecorded(logger, e, type, storyId);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Could not record {Type} generation for story {StoryId}")]
        public static partial void GenerationNotRecorded(
            ILogger logger,
            Exception exception,
            GenerationType type,
            Guid storyId
        );
    }
}
