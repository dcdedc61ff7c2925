using Hangfire;

namespace StorybookShop.Jobs;

/// <summary>Registers the features' recurring jobs when a worker starts (AddOrUpdate: every node may, the last one
/// wins).</summary>
public sealed class RecurringJobsRegistration(
    IRecurringJobManager recurring,
    IEnumerable<RecurringJobDefinition> definitions,
    IServiceProvider services
) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var definition in definitions)
            definition.Register(services, recurring);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
