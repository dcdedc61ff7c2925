using Npgsql;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>
/// The real services scripts/test.sh starts: a PostgreSQL cluster (TEST_PG) and s3rver (TEST_S3_URL).
/// Each fixture gets a database of its own, so fixtures never see each other's rows or jobs.
/// </summary>
public static class TestServices
{
    public static string PostgresServer =>
        Environment.GetEnvironmentVariable("TEST_PG")
        ?? throw new InvalidOperationException(
            "TEST_PG is not set: run the tests with scripts/test.sh, which starts PostgreSQL and s3rver."
        );

    public static string S3Url =>
        Environment.GetEnvironmentVariable("TEST_S3_URL")
        ?? throw new InvalidOperationException("TEST_S3_URL is not set: run the tests with scripts/test.sh.");

    public static async Task<string> CreateDatabaseAsync(string purpose)
    {
        var name = $"t_{purpose}_{Guid.NewGuid():N}".ToLowerInvariant(); // under PostgreSQL's 63-byte limit
        await using var conn = new NpgsqlConnection(PostgresServer + ";Database=postgres");
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
        await cmd.ExecuteNonQueryAsync();
        return $"{PostgresServer};Database={name};Maximum Pool Size=40";
    }

    public static string TempDirectory(string purpose) => Directory.CreateTempSubdirectory($"sbs-{purpose}-").FullName;

    /// <summary>
    /// Waits, when less than <paramref name="need"/> is left of the current minute, for the next one: the storefront's
    /// limits count fixed one-minute windows, so a test that counts to a limit must not straddle two of them.
    /// </summary>
    public static async Task AwaitFreshMinuteAsync(TimeSpan? need = null)
    {
        var now = DateTimeOffset.UtcNow;
        var left = TimeSpan.FromSeconds(60 - now.Second) - TimeSpan.FromMilliseconds(now.Millisecond);
        if (left < (need ?? TimeSpan.FromSeconds(25)))
            await Task.Delay(left + TimeSpan.FromMilliseconds(200));
    }
}
