using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace StorybookShop.Data;

public static class DataExtensions
{
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Default");
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                "ConnectionStrings:Default is not set. scripts/run.sh starts a private PostgreSQL and sets it for you."
            );

        // One data source for the app, EF Core and Hangfire (so they share connections and transactions).
        builder.Services.AddNpgsqlDataSource(connectionString);
        builder.Services.AddDbContextFactory<AppDbContext>(
            (sp, o) => o.UseAppDatabase(sp.GetRequiredService<NpgsqlDataSource>())
        );
        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext());
        builder.Services.AddSingleton<Migrator>();
        return builder;
    }

    /// <summary>How every context of the app is made (the app, tests, tools): snake_case names by convention.</summary>
    public static DbContextOptionsBuilder UseAppDatabase(
        this DbContextOptionsBuilder options,
        NpgsqlDataSource dataSource
    ) => options.UseNpgsql(dataSource).UseSnakeCaseNamingConvention();

    /// <summary>Brings the schema up to date (unless Database:MigrateOnStartup is false) and seeds the dev
    /// shop.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        if (app.Configuration.GetValue("Database:MigrateOnStartup", true))
            await app.Services.GetRequiredService<Migrator>().MigrateAsync();

        if (
            Hosting.DevMode.Enabled(app.Configuration, app.Environment)
            || app.Configuration.GetValue<bool>("SampleBook:Make")
        )
        {
            await using var db = await app
                .Services.GetRequiredService<IDbContextFactory<AppDbContext>>()
                .CreateDbContextAsync();
            await DevShop.EnsureAsync(db, app.Services.GetRequiredService<TimeProvider>(), CancellationToken.None);
        }
    }
}
