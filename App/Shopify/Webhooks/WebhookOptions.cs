namespace StorybookShop.Shopify.Webhooks;

public sealed class WebhookOptions
{
    public const string Section = "Webhooks";
    public int BatchSize { get; set; } = 200;

    /// <summary>After a wake-up, how long to let deliveries gather so one claim takes many (fewer queries under
    /// load).</summary>
    public TimeSpan BatchLinger { get; set; } = TimeSpan.FromMilliseconds(100);
    public int MaxAttempts { get; set; } = 8;
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a claimed delivery is ours; after that another node may take it (the holder
    /// crashed).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long processed deliveries are kept (they hold customer data); failed ones are kept for
    /// inspection.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How often a dispatcher looks for work its own node's intake did not wake it for (other nodes',
    /// retries).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
