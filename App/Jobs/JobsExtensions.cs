using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Npgsql;

namespace StorybookShop.Jobs;

public static class JobsExtensions
{
    /// <summary>
    /// Hangfire on the app's PostgreSQL: storage over the app's own data source (so enqueues join the app's
    /// transactions), options from the measurements in README's Jobs section, this app's filters, and a server on
    /// worker nodes. Storage, activator and filters are registered per app, not in Hangfire's static globals, so
    /// several apps in one process (tests) never run each other's filters.
    /// </summary>
    public static WebApplicationBuilder AddJobs(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services
            .AddOptions<PipelineOptions>()
            .Bind(builder.Configuration.GetSection(PipelineOptions.Section))
            .Validate(o => o.RetryAttempts >= 0, "Pipeline:RetryAttempts must not be negative.")
            .Validate(o => o.WorkerThreads >= 1, "Pipeline:WorkerThreads must be at least 1.")
            .Validate(
                o =>
                    o.ReconcileInterval == TimeSpan.Zero
                    || (
                        o.ReconcileInterval >= TimeSpan.FromSeconds(1)
                        && o.ReconcileInterval <= TimeSpan.FromMinutes(59)
                    ),
                "Pipeline:ReconcileInterval must be 0 (off) or between 1 second and 59 minutes."
            )
            .Validate(
                o => o.InvisibilityTimeout >= TimeSpan.FromSeconds(5),
                "Pipeline:InvisibilityTimeout must be at least 5 seconds."
            )
            .Validate(
                o => o.QueuePollInterval >= TimeSpan.FromMilliseconds(100),
                "Pipeline:QueuePollInterval must be at least 100 ms."
            )
            .ValidateOnStart();
        var o = builder.Configuration.GetSection(PipelineOptions.Section).Get<PipelineOptions>()
            ?? new PipelineOptions();

        services.AddSingleton<StoryJobs>();
        services.AddSingleton<HangfireTables>();
        services.AddSingleton<StoryJobCatalog>();
        services.AddSingleton<StoryJobStateFilter>();
        services.AddSingleton<JobLogFilter>();
        services.AddSingleton<JobTracingFilter>();
        // Created by the container, so the container disposes it.
        services.AddSingleton<ILoggerProvider>(_ => new JobLogProvider(TimeProvider.System));

        services.AddSingleton<JobStorage>(sp => new PostgreSqlStorage(
            new DataSourceConnectionFactory(sp.GetRequiredService<NpgsqlDataSource>()),
            StorageOptions(o)
        )
        {
            JobExpirationTimeout = o.JobRetention,
        });
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(
            sp.GetRequiredService<IServiceScopeFactory>()
        ));
        services.AddSingleton<IJobFilterProvider>(sp =>
        {
            var filters = new JobFilterCollection
            {
                new CaptureCultureAttribute(),
                new StatisticsHistoryAttribute(),
                new AutomaticRetryAttribute
                {
                    Attempts = o.RetryAttempts,
                    DelayInSecondsByAttemptFunc = attempt => o.RetryDelaySeconds(attempt),
                    OnAttemptsExceeded = AttemptsExceededAction.Fail,
                },
            };
            filters.Add(sp.GetRequiredService<StoryJobStateFilter>());
            filters.Add(sp.GetRequiredService<JobLogFilter>());
            filters.Add(sp.GetRequiredService<JobTracingFilter>());
            // Attributes on job methods ([AutomaticRetry] on the reconciler) override the collection's.
            return new JobFilterProviderCollection(filters, new JobFilterAttributeFilterProvider());
        });
        services.AddHangfire(c =>
            c.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
        );

        if (o.IsWorker)
        {
            services.AddHangfireServer(
                (sp, server) =>
                {
                    server.WorkerCount = o.WorkerThreads;
                    server.SchedulePollingInterval = o.SchedulePollingInterval;
                    server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
                }
            );
            services.AddHostedService<RecurringJobsRegistration>();
        }
        return builder;
    }

    /// <summary>Hangfire.PostgreSql's defaults (15 s polls, a 30-minute fixed invisibility, 10-minute locks) are
    /// replaced; see README.</summary>
    public static PostgreSqlStorageOptions StorageOptions(PipelineOptions o) =>
        new()
        {
            PrepareSchemaIfNecessary = false, // installed by the migrator, under its lock, before our own migrations
            EnableLongPolling = true, // the enqueuing node NOTIFYs: every node must have it on
            QueuePollInterval = o.QueuePollInterval,
            UseSlidingInvisibilityTimeout = true, // a short timeout without sliding would run long jobs twice
            InvisibilityTimeout = o.InvisibilityTimeout,
            DistributedLockTimeout = o.DistributedLockTimeout,
            EnableTransactionScopeEnlistment = true,
        };

    /// <summary>A feature's kind of story job (made, recognised and answered by <see
    /// cref="StoryJobCatalog"/>).</summary>
    public static IServiceCollection AddStoryJob(this IServiceCollection services, StoryJobDefinition definition) =>
        services.AddSingleton(definition);

    /// <summary>A feature's recurring job, registered by every worker when it starts.</summary>
    public static IServiceCollection AddRecurringJob(
        this IServiceCollection services,
        string id,
        Action<IServiceProvider, IRecurringJobManager> register
    ) => services.AddSingleton(new RecurringJobDefinition(id, register));
}
