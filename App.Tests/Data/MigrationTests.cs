using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StorybookShop.Data;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Data;

public sealed class MigrationTests
{
    [Test]
    public async Task The_sql_migrations_create_exactly_the_schema_the_model_expects()
    {
        var migrated = await TestServices.CreateDatabaseAsync("migrated");
        var modelled = await TestServices.CreateDatabaseAsync("modelled");
        await using (var ds = NpgsqlDataSource.Create(migrated))
        {
            var applied = await new Migrator(ds, NullLogger<Migrator>.Instance).MigrateAsync();
            Assert.That(applied, Does.Contain("0001_initial"));
            Assert.That(
                await new Migrator(ds, NullLogger<Migrator>.Instance).MigrateAsync(),
                Is.Empty,
                "a second run applies nothing"
            );
        }
        await using (var modelledSource = NpgsqlDataSource.Create(modelled))
        await using (
            var db = new AppDbContext(
                (DbContextOptions<AppDbContext>)
                    new DbContextOptionsBuilder<AppDbContext>().UseAppDatabase(modelledSource).Options
            )
        )
            await db.Database.EnsureCreatedAsync();

        Assert.That(await Describe(migrated), Is.EqualTo(await Describe(modelled)));
    }

    [Test]
    public async Task Several_nodes_migrating_at_once_apply_each_migration_once()
    {
        var connection = await TestServices.CreateDatabaseAsync("race");
        await using var ds = NpgsqlDataSource.Create(connection);
        var runs = await Task.WhenAll(
            Enumerable.Range(0, 4).Select(_ => new Migrator(ds, NullLogger<Migrator>.Instance).MigrateAsync())
        );
        Assert.That(runs.Sum(r => r.Count), Is.EqualTo(Directory.GetFiles(Migrator.MigrationsFolder, "*.sql").Length));
    }

    /// <summary>The EF model's tables; story_jobs (the job engine's), rate_limits and dashboard_tickets are raw SQL,
    /// not
    /// the model.</summary>
    private static async Task<List<string>> Describe(string connection)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync();
        var rows = new List<string>();
        const string sql = """
            SELECT 'col ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' '
              || coalesce(character_maximum_length::text, '') || ' ' || coalesce(column_default, '')
            FROM information_schema.columns WHERE table_schema = 'public'
              AND table_name NOT IN ('schema_migrations', 'story_jobs', 'rate_limits', 'dashboard_tickets')
            UNION ALL
            SELECT 'idx ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
              AND tablename NOT IN ('schema_migrations', 'story_jobs', 'rate_limits', 'dashboard_tickets')
            UNION ALL
            SELECT 'con ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
              WHERE connamespace = 'public'::regnamespace
                AND conrelid::regclass::text NOT IN ('schema_migrations', 'story_jobs', 'rate_limits',
                  'dashboard_tickets')
            ORDER BY 1
            """;
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(reader.GetString(0));
        return rows;
    }
}
