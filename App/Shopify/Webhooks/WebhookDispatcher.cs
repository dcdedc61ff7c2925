using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using StorybookShop.Data;

namespace StorybookShop.Shopify.Webhooks;

/// <summary>
/// The webhook job queue: worker nodes claim received deliveries in batches with FOR UPDATE SKIP LOCKED
/// (so nodes never take the same one), are woken by their own intake or poll, retry failures with backoff,
/// and take back deliveries whose lease ran out because the node holding them died.
/// </summary>
public sealed partial class WebhookDispatcher(
    NpgsqlDataSource dataSource,
    IEnumerable<IWebhookHandler> handlers,
    IOptions<WebhookOptions> options,
    WebhookSignal signal,
    ILogger<WebhookDispatcher> logger
) : BackgroundService
{
    private readonly Dictionary<string, IWebhookHandler> _byTopic = handlers
        .SelectMany(h => h.Topics.Select(t => (t, h)))
        .ToDictionary(x => x.t, x => x.h);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPrune = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (DateTimeOffset.UtcNow >= nextPrune)
                {
                    await PruneAsync(stoppingToken);
                    nextPrune = DateTimeOffset.UtcNow.AddHours(1);
                }
                while (await DispatchBatchAsync(stoppingToken) >= options.Value.BatchSize) { }
                if (
                    await signal.WaitAsync(options.Value.PollInterval, stoppingToken)
                    && options.Value.BatchLinger > TimeSpan.Zero
                )
                    await Task.Delay(options.Value.BatchLinger, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
            catch (Exception e)
            {
                Log.WebhookClaimFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    /// <summary>Deletes processed deliveries older than the retention; returns how many.</summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "DELETE FROM webhook_deliveries WHERE status = 'Processed' AND processed_at < now() - @keep",
            conn
        );
        cmd.Parameters.AddWithValue("keep", options.Value.Retention);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Claims and processes one batch; returns how many it claimed.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        var o = options.Value;
        var claimed = new List<(Guid Id, string Topic, string Shop, string Payload, int Attempts)>();
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        await using (
            var claim = new NpgsqlCommand(
                """
                UPDATE webhook_deliveries d SET status = 'Processing', attempts = d.attempts + 1, locked_until =
                  now() + @lease
                WHERE d.id IN (
                    SELECT id FROM webhook_deliveries
                    WHERE (status = 'Received' AND (locked_until IS NULL OR locked_until <= now()))
                       OR (status = 'Processing' AND locked_until < now())
                    ORDER BY received_at LIMIT @n FOR UPDATE SKIP LOCKED)
                RETURNING d.id, d.topic, d.shop_domain, d.payload::text, d.attempts
                """,
                conn
            )
        )
        {
            claim.Parameters.AddWithValue("lease", o.Lease);
            claim.Parameters.AddWithValue("n", o.BatchSize);
            await using var reader = await claim.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                claimed.Add(
                    (
                        reader.GetGuid(0),
                        reader.GetString(1),
                        reader.GetString(2),
                        reader.GetString(3),
                        reader.GetInt32(4)
                    )
                );
        }

        var done = new List<Guid>(claimed.Count);
        // Topics whose handler works set-based get their part of the batch in one call; a failure sends each back to
        // retry.
        foreach (
            var group in claimed
                .GroupBy(d => d.Topic)
                .Where(g => _byTopic.TryGetValue(g.Key, out var h) && h is IWebhookBatchHandler)
                .ToList()
        )
        {
            var documents = group.Select(d => JsonDocument.Parse(d.Payload)).ToList();
            try
            {
                await ((IWebhookBatchHandler)_byTopic[group.Key]).HandleBatchAsync(
                    group
                        .Zip(documents, (d, doc) => new WebhookContext(d.Id, d.Topic, d.Shop, doc.RootElement))
                        .ToList(),
                    ct
                );
                done.AddRange(group.Select(d => d.Id));
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Log.WebhookBatchFailed(logger, e, group.Count(), group.Key);
                foreach (var d in group)
                    await FailAsync(d.Id, d.Attempts, e.Message, ct);
            }
            finally
            {
                foreach (var doc in documents)
                    doc.Dispose();
            }
        }
        foreach (var d in claimed.Where(d => !(_byTopic.TryGetValue(d.Topic, out var h) && h is IWebhookBatchHandler)))
        {
            string? error = null;
            try
            {
                using var payload = JsonDocument.Parse(d.Payload);
                if (_byTopic.TryGetValue(d.Topic, out var handler))
                    await handler.HandleAsync(
                        new WebhookContext(d.Id, d.Topic, d.Shop, payload.RootElement.Clone()),
                        ct
                    );
                else
                    Log.WebhookTopicUnhandled(logger, d.Topic);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                error = e.Message;
                Log.WebhookFailedAttempt(logger, e, d.Topic, d.Id, d.Attempts);
            }
            if (error is null)
                done.Add(d.Id);
            else
                await FailAsync(d.Id, d.Attempts, error, ct);
        }
        if (done.Count > 0)
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand(
                "UPDATE webhook_deliveries SET status = 'Processed', processed_at = now(), locked_until = NULL, "
                    + "error "
                    + "= NULL WHERE id = ANY(@ids)",
                conn
            );
            cmd.Parameters.AddWithValue("ids", done.ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return claimed.Count;
    }

    /// <summary>Back to Received after a backoff, or Failed once the attempts are spent.</summary>
    private async Task FailAsync(Guid id, int attempts, string error, CancellationToken ct)
    {
        var o = options.Value;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "UPDATE webhook_deliveries SET status = @status, locked_until = now() + @delay, error = @error WHERE id "
                + "= "
                + "@id",
            conn
        );
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue(
            "status",
            attempts >= o.MaxAttempts ? nameof(WebhookStatus.Failed) : nameof(WebhookStatus.Received)
        );
        cmd.Parameters.AddWithValue("delay", o.RetryInitialDelay * Math.Pow(2, Math.Min(attempts - 1, 10)));
        cmd.Parameters.AddWithValue("error", error.Length > 2000 ? error[..2000] : error);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Webhook dispatcher failed to claim work; retrying")]
        public static partial void WebhookClaimFailed(ILogger logger, Exception exception);

        [LoggerMessage(Level = LogLevel.Error, Message = "Webhook batch of {Count} {Topic} failed")]
        public static partial void WebhookBatchFailed(ILogger logger, Exception exception, int count, string topic);

        [LoggerMessage(
            Level = LogLevel.Warning,
            Message = "No handler for webhook topic {Topic}; acknowledged and ignored"
        )]
        public static partial void WebhookTopicUnhandled(ILogger logger, string topic);

        [LoggerMessage(Level = LogLevel.Error, Message = "Webhook {Topic} {DeliveryId} failed (attempt {Attempt})")]
        public static partial void WebhookFailedAttempt(
            ILogger logger,
            Exception exception,
            string topic,
            Guid deliveryId,
            int attempt
        );
    }
}
