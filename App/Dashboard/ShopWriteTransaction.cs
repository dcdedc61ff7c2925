using Hangfire.States;
using Hangfire.Storage;

namespace StorybookShop.Dashboard;

/// <summary>
/// The write side of a shop's dashboard: a state change (requeue, delete) goes through only for the shop's own jobs,
/// and only touches the job lists and counters Hangfire's state handlers use. Anything else — another shop's job,
/// a recurring job's hash — is refused before it reaches the database.
/// </summary>
public sealed class ShopWriteTransaction(ShopJobStorage storage, IWriteOnlyTransaction inner) : JobStorageTransaction
{
    private static readonly HashSet<string> JobSets = ["schedule", "retries", "awaiting"];
    private static readonly HashSet<string> JobLists = ["succeeded", "deleted"];

    public override void Dispose()
    {
        inner.Dispose();
        base.Dispose();
    }

    public override void ExpireJob(string jobId, TimeSpan expireIn) => inner.ExpireJob(Own(jobId), expireIn);

    public override void PersistJob(string jobId) => inner.PersistJob(Own(jobId));

    public override void SetJobState(string jobId, IState state) => inner.SetJobState(Own(jobId), state);

    public override void AddJobState(string jobId, IState state) => inner.AddJobState(Own(jobId), state);

    public override void AddToQueue(string queue, string jobId) => inner.AddToQueue(queue, Own(jobId));

    public override void IncrementCounter(string key) => inner.IncrementCounter(Stats(key));

    public override void IncrementCounter(string key, TimeSpan expireIn) =>
        inner.IncrementCounter(Stats(key), expireIn);

    public override void DecrementCounter(string key) => inner.DecrementCounter(Stats(key));

    public override void DecrementCounter(string key, TimeSpan expireIn) =>
        inner.DecrementCounter(Stats(key), expireIn);

    public override void AddToSet(string key, string value) => inner.AddToSet(Set(key), Own(value));

    public override void AddToSet(string key, string value, double score) =>
        inner.AddToSet(Set(key), Own(value), score);

    public override void RemoveFromSet(string key, string value) => inner.RemoveFromSet(Set(key), Own(value));

    public override void InsertToList(string key, string value) => inner.InsertToList(List(key), Own(value));

    public override void RemoveFromList(string key, string value) => inner.RemoveFromList(List(key), Own(value));

    public override void TrimList(string key, int keepStartingFrom, int keepEndingAt) =>
        inner.TrimList(List(key), keepStartingFrom, keepEndingAt);

    public override void SetRangeInHash(string key, IEnumerable<KeyValuePair<string, string>> keyValuePairs) =>
        throw Refused(key);

    public override void RemoveHash(string key) => throw Refused(key);

    public override void SetJobParameter(string jobId, string name, string value)
    {
        if (inner is not JobStorageTransaction t)
            throw new NotSupportedException();
        t.SetJobParameter(Own(jobId), name, value);
    }

    public override void AcquireDistributedLock(string resource, TimeSpan timeout)
    {
        if (inner is not JobStorageTransaction t)
            throw new NotSupportedException();
        if (!storage.MayLock(resource))
            throw Refused(resource);
        t.AcquireDistributedLock(resource, timeout);
    }

    public override void Commit() => inner.Commit();

    private string Own(string jobId) => storage.Owns(jobId) ? jobId : throw Refused($"job {jobId}");

    private static string Stats(string key) =>
        key.StartsWith("stats:", StringComparison.Ordinal) ? key : throw Refused(key);

    private static string Set(string key) => JobSets.Contains(key) ? key : throw Refused(key);

    private static string List(string key) => JobLists.Contains(key) ? key : throw Refused(key);

    private static InvalidOperationException Refused(string what) => new($"A shop's dashboard cannot change {what}.");
}
