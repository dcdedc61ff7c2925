using System.Collections.Concurrent;
using System.Globalization;
using Hangfire;
using Hangfire.Storage;
using StorybookShop.Jobs;

namespace StorybookShop.Dashboard;

/// <summary>
/// Hangfire's storage as one shop sees it, for that shop's dashboard only (made per request): lists and counts
/// come from <c>story_jobs</c> joined with Hangfire's job table, job pages and commands only reach the shop's
/// own jobs, and what a merchant should not see (other shops, recurring jobs, host names, stack traces) is not
/// there. A foreign job id reads as "not found" and cannot be changed.
/// </summary>
public sealed class ShopJobStorage(JobStorage inner, HangfireTables tables, Guid shopId) : JobStorage
{
    /// <summary>The job sets a shop's jobs can be in (the rest are Hangfire's bookkeeping).</summary>
    private static readonly HashSet<string> JobSets = ["retries", "schedule", "awaiting"];

    private readonly ConcurrentDictionary<string, bool> _owned = new();

    public JobStorage Inner => inner;
    public HangfireTables Tables => tables;
    public Guid ShopId => shopId;

    public override bool LinearizableReads => inner.LinearizableReads;

    public override IMonitoringApi GetMonitoringApi() => new ShopMonitoringApi(this);

    public override IStorageConnection GetConnection() =>
        new ShopStorageConnection(this, (JobStorageConnection)inner.GetConnection());

    public override IStorageConnection GetReadOnlyConnection() =>
        new ShopStorageConnection(this, (JobStorageConnection)inner.GetReadOnlyConnection());

    public override bool HasFeature(string featureId)
    {
        if (featureId == JobStorageFeatures.Monitoring.AwaitingJobs)
            return true;
        if (featureId == JobStorageFeatures.Monitoring.DeletedStateGraphs)
            return false;
        if (
            featureId == JobStorageFeatures.Connection.LimitedGetSetCount
            || featureId == JobStorageFeatures.Connection.BatchedGetFirstByLowest
        )
            return false;
        return inner.HasFeature(featureId);
    }

    /// <summary>Whether a job id names one of this shop's jobs.</summary>
    public bool Owns(string? jobId) =>
        jobId is not null
        && long.TryParse(jobId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
        && _owned.GetOrAdd(jobId, _ => tables.ShopOwnsJob(shopId, id));

    /// <summary>The shop's job ids in one of the job sets, in the set's order; nothing from any other set.</summary>
    public List<string> SetItems(string key, int from, int count) =>
        JobSets.Contains(key) && count > 0 ? tables.ShopSetItems(shopId, key, from, count) : [];

    public long SetCount(string key) => JobSets.Contains(key) ? tables.ShopSetCount(shopId, key) : 0;

    /// <summary>
    /// Whether a distributed lock may be taken for this shop: a job's state lock (<c>job:{id}:state-lock</c>) only for
    /// its own jobs. Another shop's job is refused before any lock is taken, so a flood of commands naming foreign
    /// ids delays nobody's state changes.
    /// </summary>
    public bool MayLock(string resource) =>
        !resource.StartsWith("job:", StringComparison.Ordinal) || Owns(resource.Split(':')[1]);

    /// <summary>Server names are host names: merchants see a stable alias instead.</summary>
    public static string Alias(string? server) =>
        string.IsNullOrEmpty(server)
            ? ""
            : "node-"
                + Convert.ToHexStringLower(
                    System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(server))
                )[..8];

    public override string ToString() => "Storybook jobs";
}
