using Hangfire.Common;
using Hangfire.Server;
using Hangfire.Storage;
using Npgsql;

namespace StorybookShop.Dashboard;

/// <summary>
/// A storage connection that reads and changes only the shop's own jobs: job data, state and parameters of
/// another shop's job are null ("not found"); sets are filtered to the shop's jobs; recurring jobs and hashes
/// read as empty; a server's work (fetching, heartbeats) is not allowed here.
/// </summary>
public sealed class ShopStorageConnection(ShopJobStorage storage, JobStorageConnection inner) : JobStorageConnection
{
    public override void Dispose()
    {
        inner.Dispose();
        base.Dispose();
    }

    public override IWriteOnlyTransaction CreateWriteTransaction() => new ShopWriteTransaction(storage,
        inner.CreateWriteTransaction());

    /// <summary>Another shop's job: no lock is taken (its data reads as "not found", so nothing will change).</summary>
    public override IDisposable AcquireDistributedLock(string resource, TimeSpan timeout) =>
        storage.MayLock(resource) ? inner.AcquireDistributedLock(resource, timeout) : NoLock.Instance;

    private sealed class NoLock : IDisposable
    {
        public static readonly NoLock Instance = new();

        public void Dispose()
        {
        }
    }

    public override JobData? GetJobData(string jobId) => storage.Owns(jobId) ? inner.GetJobData(jobId) : null;

    public override StateData? GetStateData(string jobId)
    {
        if (!storage.Owns(jobId) || inner.GetStateData(jobId) is not { } state) return null;
        return new StateData { Name = state.Name, Reason = state.Reason, Data = ShopMonitoringApi.Redact(state.Data) };
    }

    public override string? GetJobParameter(string id, string name) => storage.Owns(id) ? inner.GetJobParameter(id,
        name) : null;

    public override void SetJobParameter(string id, string name, string value)
    {
        if (!storage.Owns(id)) throw new InvalidOperationException("Not this shop's job.");
        inner.SetJobParameter(id, name, value);
    }

    public override HashSet<string> GetAllItemsFromSet(string key) => [.. OwnedSetItems(key, 0, int.MaxValue)];

    public override long GetSetCount(string key) => key is "retries" or "schedule" or "awaiting" ? Count(key) : 0;

    public override List<string> GetRangeFromSet(string key, int startingFrom, int endingAt) =>
        OwnedSetItems(key, startingFrom, endingAt - startingFrom + 1);

    public override bool GetSetContains(string key, string value) => storage.Owns(value) && inner.GetSetContains(key,
        value);

    public override TimeSpan GetSetTtl(string key) => TimeSpan.FromSeconds(-1);

    public override string? GetFirstByLowestScoreFromSet(string key, double fromScore, double toScore) => null;

    public override Dictionary<string, string>? GetAllEntriesFromHash(string key) => null;

    public override string? GetValueFromHash(string key, string name) => null;

    public override long GetHashCount(string key) => 0;

    public override long GetListCount(string key) => 0;

    public override List<string> GetAllItemsFromList(string key) => [];

    public override List<string> GetRangeFromList(string key, int startingFrom, int endingAt) => [];

    public override long GetCounter(string key) => 0;

    public override DateTime GetUtcDateTime() => inner.GetUtcDateTime();

    public override string CreateExpiredJob(Job job, IDictionary<string, string> parameters, DateTime createdAt,
        TimeSpan expireIn) =>
        throw NotHere();

    public override IFetchedJob FetchNextJob(string[] queues, CancellationToken cancellationToken) => throw NotHere();

    public override void AnnounceServer(string serverId, ServerContext context) => throw NotHere();

    public override void RemoveServer(string serverId) => throw NotHere();

    public override void Heartbeat(string serverId) => throw NotHere();

    public override int RemoveTimedOutServers(TimeSpan timeOut) => throw NotHere();

    public override void SetRangeInHash(string key, IEnumerable<KeyValuePair<string, string>> keyValuePairs) =>
        throw NotHere();

    private static NotSupportedException NotHere() =>
        new("A shop's dashboard only reads and changes that shop's jobs.");

    /// <summary>The shop's job ids in one of Hangfire's job sets (retries, schedule, awaiting), in the set's
    /// order.</summary>
    private List<string> OwnedSetItems(string key, int from, int count)
    {
        if (key is not ("retries" or "schedule" or "awaiting") || count <= 0) return [];
        using var conn = storage.DataSource.OpenConnection();
        using var cmd = new NpgsqlCommand("""
            SELECT s.value FROM hangfire.set s JOIN story_jobs sj ON sj.job_id::text = s.value
            WHERE s.key = @key AND sj.shop_id = @shop ORDER BY s.id OFFSET @from LIMIT @count
            """, conn);
        cmd.Parameters.AddWithValue("key", key);
        cmd.Parameters.AddWithValue("shop", storage.ShopId);
        cmd.Parameters.AddWithValue("from", (long)from);
        cmd.Parameters.AddWithValue("count", (long)count);
        var items = new List<string>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read()) items.Add(reader.GetString(0));
        return items;
    }

    private long Count(string key)
    {
        using var conn = storage.DataSource.OpenConnection();
        using var cmd = new NpgsqlCommand("""
            SELECT count(*) FROM hangfire.set s JOIN story_jobs sj ON sj.job_id::text = s.value
            WHERE s.key = @key AND sj.shop_id = @shop
            """, conn);
        cmd.Parameters.AddWithValue("key", key);
        cmd.Parameters.AddWithValue("shop", storage.ShopId);
        return (long)cmd.ExecuteScalar()!;
    }
}
