using Hangfire.Common;
using Hangfire.Server;
using Hangfire.Storage;

namespace StorybookShop.Dashboard;

/// <summary>
/// A storage connection for a dashboard that is not a server: a server's work (fetching jobs, heartbeats, creating
/// jobs) is not supported, and hashes, lists and counters (recurring jobs, Hangfire's own bookkeeping) read as empty.
/// A subclass overrides only what it shows.
/// </summary>
public abstract class ReadOnlyStorageConnection : JobStorageConnection
{
    public override string CreateExpiredJob(
        Job job,
        IDictionary<string, string> parameters,
        DateTime createdAt,
        TimeSpan expireIn
    ) => throw NotHere();

    public override IFetchedJob FetchNextJob(string[] queues, CancellationToken cancellationToken) => throw NotHere();

    public override void AnnounceServer(string serverId, ServerContext context) => throw NotHere();

    public override void RemoveServer(string serverId) => throw NotHere();

    public override void Heartbeat(string serverId) => throw NotHere();

    public override int RemoveTimedOutServers(TimeSpan timeOut) => throw NotHere();

    public override void SetRangeInHash(string key, IEnumerable<KeyValuePair<string, string>> keyValuePairs) =>
        throw NotHere();

    public override Dictionary<string, string>? GetAllEntriesFromHash(string key) => null;

    public override string? GetValueFromHash(string key, string name) => null;

    public override long GetHashCount(string key) => 0;

    public override long GetListCount(string key) => 0;

    public override List<string> GetAllItemsFromList(string key) => [];

    public override List<string> GetRangeFromList(string key, int startingFrom, int endingAt) => [];

    public override long GetCounter(string key) => 0;

    public override TimeSpan GetSetTtl(string key) => TimeSpan.FromSeconds(-1);

    public override string? GetFirstByLowestScoreFromSet(string key, double fromScore, double toScore) => null;

    protected static NotSupportedException NotHere() =>
        new("A shop's dashboard only reads and changes that shop's jobs.");
}
