namespace StorybookShop.Shopify.Webhooks;

public static class WebhooksExtensions
{
    /// <summary>Webhook intake (stored before it is answered), the platform's own handlers (uninstall, scopes) and the
    /// dispatcher (worker nodes); features register the handlers of their topics (<see
    /// cref="IWebhookHandler"/>).</summary>
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services
            .AddOptions<WebhookOptions>()
            .Bind(builder.Configuration.GetSection(WebhookOptions.Section))
            .Validate(o => o.BatchSize > 0 && o.MaxAttempts > 0, "Webhooks:BatchSize and MaxAttempts must be positive.")
            .ValidateOnStart();
        services.AddSingleton<IWebhookHandler, AppUninstalledHandler>();
        services.AddSingleton<IWebhookHandler, ScopesUpdateHandler>();
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<WebhookWriter>();
        services.AddSingleton<WebhookDispatcher>();
        var pipeline = builder.Configuration.GetSection(Jobs.PipelineOptions.Section).Get<Jobs.PipelineOptions>()
            ?? new Jobs.PipelineOptions();
        if (pipeline.IsWorker)
            services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return builder;
    }
}
