using Hangfire;

namespace StorybookShop.Jobs;

/// <summary>A recurring job a feature contributes (<see cref="JobsExtensions.AddRecurringJob"/>); worker nodes
/// register every one when they start.</summary>
public sealed record RecurringJobDefinition(string Id, Action<IServiceProvider, IRecurringJobManager> Register);
