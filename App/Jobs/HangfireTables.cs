using Npgsql;

namespace StorybookShop.Jobs;

/// <summary>
/// Every SQL statement of the app that names Hangfire.PostgreSql's tables (<c>hangfire.job</c>, <c>hangfire.set</c>,
/// <c>hangfire.counter</c>, <c>hangfire.aggregatedcounter</c>), here and nowhere else: they are Hangfire's internals,
/// written against schema <see cref="SchemaVersion"/> (a test fails when the installed schema moves on). The queries
/// join <c>story_jobs</c> (job → story → shop), the app's own index of its jobs.
/// </summary>
public sealed class HangfireTables(NpgsqlDataSource dataSource)
{
    /// <summary>Hangfire.PostgreSql's schema version (<c>hangfire.schema</c>) these statements are written
    /// for.</summary>
    public const int SchemaVersion = 23;

    public async Task<int> InstalledSchemaVersionAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT max(version) FROM hangfire.schema", conn);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A story's jobs in the given states (id and kind).</summary>
    public async Task<List<(long JobId, string Kind)>> StoryJobsInStatesAsync(
        Guid storyId,
        string[] states,
        CancellationToken ct
    )
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            """
            SELECT sj.job_id, sj.kind FROM story_jobs sj JOIN hangfire.job j ON j.id = sj.job_id
            WHERE sj.story_id = @id AND j.statename = ANY(@states)
            """,
            conn
        );
        cmd.Parameters.AddWithValue("id", storyId);
        cmd.Parameters.AddWithValue("states", states);
        var jobs = new List<(long, string)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            jobs.Add((reader.GetInt64(0), reader.GetString(1)));
        return jobs;
    }

    /// <summary>The state of each kind's latest job of a story (empty: a job Hangfire has no state for), on an open
    /// connection (inside the caller's transaction and lock).</summary>
    public static async Task<Dictionary<string, string>> LatestStatePerKindAsync(
        NpgsqlConnection conn,
        Guid storyId,
        CancellationToken ct
    )
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT DISTINCT ON (sj.kind) sj.kind, j.statename FROM story_jobs sj JOIN hangfire.job j ON j.id = sj.job_id
            WHERE sj.story_id = @id ORDER BY sj.kind, sj.job_id DESC
            """,
            conn
        );
        cmd.Parameters.AddWithValue("id", storyId);
        var latest = new Dictionary<string, string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            latest[reader.GetString(0)] = await reader.IsDBNullAsync(1, ct) ? "" : reader.GetString(1);
        return latest;
    }

    /// <summary>Whether a job is one of the shop's (<c>story_jobs</c> only: no Hangfire table is read).</summary>
    public bool ShopOwnsJob(Guid shopId, long jobId)
    {
        using var conn = dataSource.OpenConnection();
        using var cmd = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM story_jobs WHERE job_id = @id AND shop_id = @shop)",
            conn
        );
        cmd.Parameters.AddWithValue("id", jobId);
        cmd.Parameters.AddWithValue("shop", shopId);
        return (bool)cmd.ExecuteScalar()!;
    }

    /// <summary>A shop's job count per state.</summary>
    public Dictionary<string, long> ShopStateCounts(Guid shopId)
    {
        using var conn = dataSource.OpenConnection();
        using var cmd = new NpgsqlCommand(
            """
            SELECT j.statename, count(*) FROM story_jobs sj JOIN hangfire.job j ON j.id = sj.job_id
            WHERE sj.shop_id = @shop GROUP BY j.statename
            """,
            conn
        );
        cmd.Parameters.AddWithValue("shop", shopId);
        var counts = new Dictionary<string, long>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            if (!reader.IsDBNull(0))
                counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    private const string ShopJobIdsAscending = """
        SELECT sj.job_id FROM story_jobs sj JOIN hangfire.job j ON j.id = sj.job_id
        WHERE sj.shop_id = @shop AND j.statename = @state ORDER BY sj.job_id ASC OFFSET @from LIMIT @count
        """;

    private const string ShopJobIdsDescending = """
        SELECT sj.job_id FROM story_jobs sj JOIN hangfire.job j ON j.id = sj.job_id
        WHERE sj.shop_id = @shop AND j.statename = @state ORDER BY sj.job_id DESC OFFSET @from LIMIT @count
        """;

    /// <summary>A page of a shop's job ids in one state, by id.</summary>
    public List<string> ShopJobIds(Guid shopId, string state, int from, int count, bool ascending)
    {
        using var conn = dataSource.OpenConnection();
        using var cmd = ascending
            ? new NpgsqlCommand(ShopJobIdsAscending, conn)
            : new NpgsqlCommand(ShopJobIdsDescending, conn);
        cmd.Parameters.AddWithValue("shop", shopId);
        cmd.Parameters.AddWithValue("state", state);
        cmd.Parameters.AddWithValue("from", (long)Math.Max(0, from));
        cmd.Parameters.AddWithValue("count", (long)Math.Max(0, count));
        var ids = new List<string>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            ids.Add(reader.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return ids;
    }

    /// <summary>How many of a shop's jobs are in one state.</summary>
    public long ShopJobCount(Guid shopId, string state)
    {
        using var conn = dataSource.OpenConnection();
        using var cmd = new NpgsqlCommand(
            """
            SELECT count(*) FROM story_jobs sj JOIN hangfire.job j ON j.id = sj.job_id
            WHERE sj.shop_id = @shop AND j.statename = @state
            """,
            conn
        );
        cmd.Parameters.AddWithValue("shop", shopId);
        cmd.Parameters.AddWithValue("state", state);
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>The shop's job ids in one of Hangfire's job sets (retries, schedule, awaiting), in the set's
    /// order.</summary>
    public List<string> ShopSetItems(Guid shopId, string key, int from, int count)
    {
        using var conn = dataSource.OpenConnection();
        using var cmd = new NpgsqlCommand(
            """
            SELECT s.value FROM hangfire.set s JOIN story_jobs sj ON sj.job_id::text = s.value
            WHERE s.key = @key AND sj.shop_id = @shop ORDER BY s.id OFFSET @from LIMIT @count
            """,
            conn
        );
        cmd.Parameters.AddWithValue("key", key);
        cmd.Parameters.AddWithValue("shop", shopId);
        cmd.Parameters.AddWithValue("from", (long)from);
        cmd.Parameters.AddWithValue("count", (long)count);
        var items = new List<string>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            items.Add(reader.GetString(0));
        return items;
    }

    public long ShopSetCount(Guid shopId, string key)
    {
        using var conn = dataSource.OpenConnection();
        using var cmd = new NpgsqlCommand(
            """
            SELECT count(*) FROM hangfire.set s JOIN story_jobs sj ON sj.job_id::text = s.value
            WHERE s.key = @key AND sj.shop_id = @shop
            """,
            conn
        );
        cmd.Parameters.AddWithValue("key", key);
        cmd.Parameters.AddWithValue("shop", shopId);
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>Counter values by key, summing Hangfire's raw and aggregated counter rows.</summary>
    public Dictionary<string, long> Counters(string[] keys)
    {
        using var conn = dataSource.OpenConnection();
        using var cmd = new NpgsqlCommand(
            """
            SELECT key, sum(value)::bigint FROM (
              SELECT key, value FROM hangfire.counter WHERE key = ANY(@keys)
              UNION ALL SELECT key, value FROM hangfire.aggregatedcounter WHERE key = ANY(@keys)) c GROUP BY key
            """,
            conn
        );
        cmd.Parameters.AddWithValue("keys", keys);
        var values = new Dictionary<string, long>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            values[reader.GetString(0)] = reader.GetInt64(1);
        return values;
    }
}
