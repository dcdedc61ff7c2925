using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace StorybookShop.Data;

public static class DataExtensions
{
    public const string DevShopDomain = "dev-shop.myshopify.com";

    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Default");
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException("ConnectionStrings:Default is not set. scripts/run.sh starts a private PostgreSQL and sets it for you.");

        var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddDbContextFactory<AppDbContext>(o => o.UseNpgsql(dataSource));
        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext());
        builder.Services.AddSingleton<Migrator>();
        return builder;
    }

    /// <summary>Brings the schema up to date (unless Database:MigrateOnStartup is false) and seeds the dev shop.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        if (app.Configuration.GetValue("Database:MigrateOnStartup", true))
            await app.Services.GetRequiredService<Migrator>().MigrateAsync();

        if (Hosting.DevMode.Enabled(app.Configuration, app.Environment) || app.Configuration.GetValue<bool>("SampleBook:Make"))
        {
            await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO shops (id, domain, name, created_at, installed_at, needs_reauth) VALUES ({Guid.NewGuid()}, {DevShopDomain}, {"Development shop"}, now(), now(), false) ON CONFLICT (domain) DO NOTHING");
        }
    }
}
