using Npgsql;
using StorybookShop.Data;
using StorybookShop.Jobs;

namespace StorybookShop.Generation;

/// <summary>
/// Decides which of a story's jobs should run and enqueues the missing ones. The stages form a small graph — text,
/// then illustrations and narration side by side, then the book — and a stage is enqueued only once its dependencies
/// are done in the story row: the stage that finishes last enqueues the next one, under the story's lock, exactly
/// once (no engine continuations). The last step is delivery: a finished book with paid lines not yet handed over.
/// The row is the truth; this method is safe to call at any time, from any node, as often as you like.
/// </summary>
public sealed partial class StoryPipeline(StoryJobs jobs, Telemetry.StoryMetrics metrics, ILogger<StoryPipeline> logger)
{
    public static readonly PipelineStages[] Order =
    [
        PipelineStages.Text,
        PipelineStages.Illustrations,
        PipelineStages.Narration,
        PipelineStages.Book,
    ];

    public static PipelineStages Dependencies(PipelineStages stage) =>
        stage switch
        {
            PipelineStages.Text => PipelineStages.None,
            PipelineStages.Illustrations or PipelineStages.Narration => PipelineStages.Text,
            _ => PipelineStages.Illustrations | PipelineStages.Narration,
        };

    public static StoryJobKind KindOf(PipelineStages stage) => Enum.Parse<StoryJobKind>(stage.ToString());

    /// <summary>Enqueues whatever the story can do next; returns how many stage jobs it enqueued.</summary>
    public async Task<int> AdvanceAsync(Guid storyId, CancellationToken ct = default)
    {
        var enqueued = await jobs.EnqueueAsync(
            storyId,
            async (conn, latest, token) =>
            {
                await using var read = new NpgsqlCommand(
                    """
                    SELECT status, stages_done, released, EXISTS (SELECT 1 FROM deliveries d WHERE d.story_id = s.id
                        AND d.revoked_at IS NULL AND d.fulfillment_id IS NULL AND d.failed_at IS NULL)
                    FROM stories s WHERE id = @id
                    """,
                    conn
                );
                read.Parameters.AddWithValue("id", storyId);
                await using var reader = await read.ExecuteReaderAsync(token);
                if (!await reader.ReadAsync(token))
                    return [];
                // The last step: a finished book someone paid for goes to each buyer not served yet.
                if (reader.GetString(0) is nameof(StoryStatus.Complete) or nameof(StoryStatus.Published))
                    return reader.GetBoolean(3) && !StoryJobs.IsPending(latest.GetValueOrDefault(StoryJobKind.Deliver))
                        ? [StoryJobKind.Deliver]
                        : [];
                if (reader.GetString(0) != nameof(StoryStatus.Generating))
                    return [];
                var done = (PipelineStages)reader.GetInt32(1);
                var released = reader.GetBoolean(2);
                return Order
                    .Where(stage =>
                        !done.HasFlag(stage)
                        // A preview waiting for payment gets its text and first pictures only; the rest comes on
                        // release.
                        && (released || stage is PipelineStages.Text or PipelineStages.Illustrations)
                        && (Dependencies(stage) & ~done) == PipelineStages.None
                        && !StoryJobs.IsLive(latest.GetValueOrDefault(KindOf(stage)))
                    )
                    .Select(KindOf)
                    .ToList();
            },
            ct
        );
        if (enqueued.Contains(StoryJobKind.Text))
            metrics.BookStarted();
        if (enqueued.Count > 0)
            Log.StagesEnqueued(logger, storyId, enqueued);
        return enqueued.Count;
    }

    /// <summary>
    /// Advance after a request committed the story: the row is the truth, so if enqueuing fails now the
    /// reconciler enqueues it within a minute; the request still succeeds.
    /// </summary>
    public async Task TryAdvanceAsync(Guid storyId, CancellationToken ct = default)
    {
        try
        {
            await AdvanceAsync(storyId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.EnqueueDeferred(logger, e, storyId);
        }
    }

    /// <summary>Stops a story's pending work (archive, uninstall, redact); <paramref name="except"/> is the stage
    /// calling it.</summary>
    public Task CancelAsync(
        Guid storyId,
        PipelineStages except = PipelineStages.None,
        CancellationToken ct = default
    ) => jobs.CancelAsync(storyId, except == PipelineStages.None ? null : KindOf(except), ct);

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Story {StoryId}: enqueued {Stages}")]
        public static partial void StagesEnqueued(
            ILogger logger,
            Guid storyId,
            IReadOnlyCollection<StoryJobKind> stages
        );

        [LoggerMessage(Level = LogLevel.Error, Message = "Could not enqueue story {StoryId} yet; the reconciler will")]
        public static partial void EnqueueDeferred(ILogger logger, Exception exception, Guid storyId);
    }
}
