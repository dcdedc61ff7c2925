using Hangfire.PostgreSql;
using Npgsql;

namespace StorybookShop.Jobs;

/// <summary>
/// Hangfire's connections come from the app's own NpgsqlDataSource: inside one TransactionScope the app and
/// Hangfire then share one physical connection and one local transaction (no prepared transactions).
/// </summary>
public sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IConnectionFactory
{
    public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
}
