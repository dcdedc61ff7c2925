using Npgsql;

namespace StorybookShop.Data;

/// <summary>
/// Applies the SQL files in migrations/ in name order, each once, each in its own transaction.
/// Hangfire's own schema is installed (or upgraded) first, under the same lock: our tables refer to its jobs.
/// A session-level advisory lock makes it safe for several nodes to start at the same time.
/// </summary>
public sealed partial class Migrator(NpgsqlDataSource dataSource, ILogger<Migrator> logger)
{
    private const long LockKey = 0x5354_4f52_5942_4f4bL; // "STORYBOK"

    public static string MigrationsFolder => Path.Combine(AppContext.BaseDirectory, "migrations");

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default)
    {
        var files = Directory
            .GetFiles(MigrationsFolder, "*.sql")
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
            throw new InvalidOperationException($"No migrations found in {MigrationsFolder}.");

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await Exec(conn, null, $"SELECT pg_advisory_lock({LockKey})", ct);
        try
        {
            Hangfire.PostgreSql.PostgreSqlObjectsInstaller.Install(conn, "hangfire");
            await Exec(
                conn,
                null,
                "CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL "
                    + "DEFAULT now())",
                ct
            );
            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using (var cmd = new NpgsqlCommand("SELECT id FROM schema_migrations", conn))
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct))
                    applied.Add(reader.GetString(0));

            var done = new List<string>();
            foreach (var file in files)
            {
                var id = Path.GetFileNameWithoutExtension(file);
                if (applied.Contains(id))
                    continue;
                await using var tx = await conn.BeginTransactionAsync(ct);
                await Exec(conn, tx, await File.ReadAllTextAsync(file, ct), ct);
                await using (var mark = new NpgsqlCommand("INSERT INTO schema_migrations (id) VALUES (@id)", conn, tx))
                {
                    mark.Parameters.AddWithValue("id", id);
                    await mark.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                Log.MigrationApplied(logger, id);
                done.Add(id);
            }
            return done;
        }
        finally
        {
            await Exec(conn, null, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage(
        "Security",
        "CA2100",
        Justification = "The SQL is the app's own: migration files shipped with it and fixed statements; nothing "
            + "from a request."
    )]
    private static async Task Exec(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Migration}")]
        public static partial void MigrationApplied(ILogger logger, string migration);
    }
}
