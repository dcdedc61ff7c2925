using Hangfire.Storage;

namespace StorybookShop.Dashboard;

/// <summary>
/// A storage connection that reads and changes only the shop's own jobs: job data, state and parameters of
/// another shop's job are null ("not found") and sets are filtered to the shop's jobs. What no shop view supports
/// (a server's work, hashes, lists) is <see cref="ReadOnlyStorageConnection"/>'s.
/// </summary>
public sealed class ShopStorageConnection(ShopJobStorage storage, JobStorageConnection inner)
    : ReadOnlyStorageConnection
{
    public override void Dispose()
    {
        inner.Dispose();
        base.Dispose();
    }

    public override IWriteOnlyTransaction CreateWriteTransaction() =>
        new ShopWriteTransaction(storage, inner.CreateWriteTransaction());

    /// <summary>Another shop's job: no lock is taken (its data reads as "not found", so nothing will change).</summary>
    public override IDisposable AcquireDistributedLock(string resource, TimeSpan timeout) =>
        storage.MayLock(resource) ? inner.AcquireDistributedLock(resource, timeout) : NoLock.Instance;

    public override JobData? GetJobData(string jobId) => storage.Owns(jobId) ? inner.GetJobData(jobId) : null;

    public override StateData? GetStateData(string jobId)
    {
        if (!storage.Owns(jobId) || inner.GetStateData(jobId) is not { } state)
            return null;
        return new StateData
        {
            Name = state.Name,
            Reason = state.Reason,
            Data = ShopMonitoringApi.Redact(state.Data),
        };
    }

    public override string? GetJobParameter(string id, string name) =>
        storage.Owns(id) ? inner.GetJobParameter(id, name) : null;

    public override void SetJobParameter(string id, string name, string value)
    {
        if (!storage.Owns(id))
            throw new InvalidOperationException("Not this shop's job.");
        inner.SetJobParameter(id, name, value);
    }

    public override HashSet<string> GetAllItemsFromSet(string key) => [.. storage.SetItems(key, 0, int.MaxValue)];

    public override long GetSetCount(string key) => storage.SetCount(key);

    public override List<string> GetRangeFromSet(string key, int startingFrom, int endingAt) =>
        storage.SetItems(key, startingFrom, endingAt - startingFrom + 1);

    public override bool GetSetContains(string key, string value) =>
        storage.Owns(value) && inner.GetSetContains(key, value);

    public override DateTime GetUtcDateTime() => inner.GetUtcDateTime();

    private sealed class NoLock : IDisposable
    {
        public static readonly NoLock Instance = new();

        public void Dispose() { }
    }
}
