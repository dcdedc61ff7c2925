using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.Options;
using StorybookShop.Jobs;

namespace StorybookShop.Storefront;

public static class StorefrontExtensions
{
    /// <summary>What shoppers touch: the proxy's limits and sessions, live progress, release on payment, delivery,
    /// and the shopper's language.</summary>
    public static WebApplicationBuilder AddStorefront(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services
            .AddOptions<DeliveryOptions>()
            .Bind(builder.Configuration.GetSection(DeliveryOptions.Section))
            .Validate(o => o.LinkLifetime > TimeSpan.Zero, "Delivery:LinkLifetime must be positive.")
            // A worker of a Shopify app fulfils paid orders with a link Shopify emails: it must be absolute.
            .Validate<IOptions<Shopify.ShopifyOptions>, IOptions<Jobs.PipelineOptions>>(
                (o, shopify, pipeline) =>
                    !pipeline.Value.IsWorker
                    || string.IsNullOrEmpty(shopify.Value.ClientId)
                    || DeliveryOptions.PublicBase(o, shopify.Value) is not null,
                "Delivery:PublicBaseUrl (or Shopify:AppUrl) must be the app's public http(s) URL on a worker node: "
                    + "the buyer's download link goes into Shopify's fulfillment email, and Shopify accepts only an "
                    + "absolute URL."
            )
            .ValidateOnStart();
        services
            .AddOptions<StorefrontOptions>()
            .Bind(builder.Configuration.GetSection(StorefrontOptions.Section))
            .Validate(
                o => o.StoriesPerShopPerMinute >= 1 && o.StoriesPerClientPerMinute >= 1,
                "Storefront limits must be at least 1 per minute."
            )
            .ValidateOnStart();
        services.AddShopperLanguage();
        services.AddSingleton<StoryRelease>();
        services.AddSingleton<Shopify.Webhooks.IWebhookHandler, OrdersPaidHandler>();
        services.AddSingleton<Shopify.Webhooks.IWebhookHandler, OrderReversedHandler>();
        services.AddSingleton<Shopify.IAppProxySessions>(sp => sp.GetRequiredService<StorefrontSessions>());
        services.AddStoryJob(
            new StoryJobDefinition(
                StoryJobKind.Deliver,
                id => Job.FromExpression<DeliverJob>(j => j.RunAsync(id, CancellationToken.None)),
                job => job.Type == typeof(DeliverJob)
            )
            {
                // The buyer's download page works; what Shopify did not take shows on the story, with Retry.
                Failed = (sp, id, attempts, cause) =>
                {
                    using var db =
                        sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Data.AppDbContext>>()
                            .CreateDbContext();
                    DeliverJob
                        .FailedAfterRetriesAsync(
                            db,
                            id,
                            $"Delivery failed after {attempts} attempt(s): {cause.Message}",
                            sp.GetRequiredService<TimeProvider>().GetUtcNow(),
                            CancellationToken.None
                        )
                        .GetAwaiter()
                        .GetResult();
                },
            }
        );
        services.AddRecurringJob(PreviewPurgeJob.RecurringId, (_, recurring) =>
            recurring.AddOrUpdate<PreviewPurgeJob>(
                PreviewPurgeJob.RecurringId,
                j => j.RunAsync(CancellationToken.None),
                "17 * * * *"
            )
        );
        services.AddSingleton<StorefrontLimits>();
        services.AddSingleton<StorefrontSessions>();
        services.AddSingleton<ProgressFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<ProgressFeed>());
        return builder;
    }
}
