using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace StorybookShop.Shopify.Webhooks;

/// <summary>
/// Group commit for the webhook intake: concurrent requests hand their delivery to one writer, which stores
/// everything queued in a single multi-row INSERT (unique event ids, ON CONFLICT DO NOTHING). Each request
/// is answered only after the statement that holds its row has committed, so nothing is acknowledged
/// before it is durable; under load one statement carries many deliveries.
/// </summary>
public sealed class WebhookWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly NpgsqlDataSource _dataSource;
    private readonly Channel<(WebhookRow Row, TaskCompletionSource<bool> Stored)> _queue = Channel.CreateUnbounded<(
        WebhookRow,
        TaskCompletionSource<bool>
    )>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public WebhookWriter(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>True when the row was stored, false when its event id was already there (a repeat delivery).</summary>
    public Task<bool> StoreAsync(WebhookRow row)
    {
        var stored = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((row, stored)))
            stored.SetException(new ObjectDisposedException(nameof(WebhookWriter)));
        return stored.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<(WebhookRow Row, TaskCompletionSource<bool> Stored)>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
                batch.Add(item);
            try
            {
                var inserted = await InsertAsync(batch.Select(b => b.Row).ToList());
                foreach (var (row, stored) in batch)
                    stored.TrySetResult(inserted.Remove(row.Id));
            }
            catch (Exception e)
            {
                foreach (var (_, stored) in batch)
                    stored.TrySetException(e);
            }
        }
    }

    private async Task<HashSet<Guid>> InsertAsync(IReadOnlyList<WebhookRow> rows)
    {
        await using var conn = await _dataSource.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO webhook_deliveries (id, event_id, webhook_id, topic, shop_domain, api_version,
              triggered_at, received_at, payload, status, attempts)
            SELECT id, event_id, webhook_id, topic, shop_domain, api_version, triggered_at, received_at,
              payload::jsonb, 'Received', 0
            FROM unnest(@ids, @events, @webhooks, @topics, @shops, @versions, @triggered, @received, @payloads)
                AS t(id, event_id, webhook_id, topic, shop_domain, api_version, triggered_at, received_at, payload)
            ON CONFLICT (event_id) DO NOTHING
            RETURNING id
            """,
            conn
        );
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", rows.Select(r => r.Id).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("events", rows.Select(r => r.EventId).ToArray()));
        cmd.Parameters.Add(
            new NpgsqlParameter("webhooks", NpgsqlDbType.Array | NpgsqlDbType.Text)
            {
                Value = rows.Select(r => (object?)r.WebhookId ?? DBNull.Value).ToArray(),
            }
        );
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("topics", rows.Select(r => r.Topic).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("shops", rows.Select(r => r.Shop).ToArray()));
        cmd.Parameters.Add(
            new NpgsqlParameter("versions", NpgsqlDbType.Array | NpgsqlDbType.Text)
            {
                Value = rows.Select(r => (object?)r.ApiVersion ?? DBNull.Value).ToArray(),
            }
        );
        cmd.Parameters.Add(
            new NpgsqlParameter("triggered", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
            {
                Value = rows.Select(r => r.TriggeredAt.HasValue ? (object)r.TriggeredAt.Value : DBNull.Value).ToArray(),
            }
        );
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("received", rows.Select(r => r.ReceivedAt).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("payloads", rows.Select(r => r.Payload).ToArray()));
        var inserted = new HashSet<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            inserted.Add(reader.GetGuid(0));
        return inserted;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }
}
