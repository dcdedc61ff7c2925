using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StorybookShop.Data;
using StorybookShop.Jobs;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Architecture;

/// <summary>
/// Hangfire.PostgreSql's tables are its internals: one class (<see cref="HangfireTables"/>) names them, written for
/// one schema version. An upgrade of the package that moves the schema fails here first, not on a merchant's
/// dashboard.
/// </summary>
public sealed partial class HangfireFenceTests
{
    [Test]
    public async Task The_statements_are_written_for_the_installed_Hangfire_schema_and_run_on_it()
    {
        await using var ds = NpgsqlDataSource.Create(await TestServices.CreateDatabaseAsync("fence"));
        await new Migrator(ds, NullLogger<Migrator>.Instance).MigrateAsync();
        var tables = new HangfireTables(ds);

        Assert.That(
            await tables.InstalledSchemaVersionAsync(CancellationToken.None),
            Is.EqualTo(HangfireTables.SchemaVersion),
            "Hangfire.PostgreSql installed another schema: review every statement in HangfireTables, then move the pin"
        );
        // Every statement runs against the installed tables (a renamed column fails here).
        var shop = Guid.NewGuid();
        Assert.Multiple(() =>
        {
            Assert.That(tables.ShopStateCounts(shop), Is.Empty);
            Assert.That(tables.ShopJobIds(shop, "Enqueued", 0, 10, ascending: true), Is.Empty);
            Assert.That(tables.ShopJobIds(shop, "Enqueued", 0, 10, ascending: false), Is.Empty);
            Assert.That(tables.ShopJobCount(shop, "Failed"), Is.Zero);
            Assert.That(tables.ShopSetItems(shop, "retries", 0, 10), Is.Empty);
            Assert.That(tables.ShopSetCount(shop, "retries"), Is.Zero);
            Assert.That(tables.Counters(["stats:succeeded"]), Is.Empty);
            Assert.That(tables.ShopOwnsJob(shop, 1), Is.False);
        });
        Assert.That(
            await tables.StoryJobsInStatesAsync(Guid.NewGuid(), ["Enqueued"], CancellationToken.None),
            Is.Empty
        );
        await using var conn = await ds.OpenConnectionAsync();
        Assert.That(
            await HangfireTables.LatestStatePerKindAsync(conn, Guid.NewGuid(), CancellationToken.None),
            Is.Empty
        );
    }

    [Test]
    public void No_other_source_file_names_a_Hangfire_table()
    {
        var app = ShopifyKit.Repo("App");
        var offenders = Directory
            .EnumerateFiles(app, "*.cs", SearchOption.AllDirectories)
            .Where(f =>
                !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            )
            .Where(f => Path.GetFileName(f) != "HangfireTables.cs" && HangfireTable().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(app, f))
            .ToList();
        Assert.That(offenders, Is.Empty);
    }

    /// <summary>A table in SQL (lower case; the namespaces are <c>Hangfire.Server</c>,
    /// <c>Hangfire.States</c>).</summary>
    [GeneratedRegex(
        @"\bhangfire\.(job|state|jobparameter|jobqueue|set|hash|list|counter|aggregatedcounter|server|lock|schema)\b"
    )]
    private static partial Regex HangfireTable();
}
