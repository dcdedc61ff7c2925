namespace StorybookShop.Jobs;

/// <summary>Copies log lines written inside a job run (information and above) into that run's <see
/// cref="JobLog"/>.</summary>
[ProviderAlias("JobLog")]
public sealed class JobLogProvider(TimeProvider clock) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) =>
        new Logger(clock, categoryName.StartsWith("StorybookShop", StringComparison.Ordinal));

    public void Dispose() { }

    private sealed class Logger(TimeProvider clock, bool fromApp) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && JobLog.Current is not null;

        public void Log<TState>(
            LogLevel logLevel,
            EventId eventId,
            TState state,
            Exception? exception,
            Func<TState, Exception?, string> formatter
        )
        {
            if (!IsEnabled(logLevel) || JobLog.Current is not { } log)
                return;
            var line = $"{clock.GetUtcNow():HH:mm:ss.fff} {logLevel}: {formatter(state, exception)}";
            if (exception is not null)
                line += $" ({exception.GetBaseException().Message})";
            log.Add(line, fromApp);
        }
    }
}
