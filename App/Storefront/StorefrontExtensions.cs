using Microsoft.Extensions.Options;

namespace StorybookShop.Storefront;

public static class StorefrontExtensions
{
    /// <summary>What shoppers touch: the proxy's limits and sessions, live progress, release on payment, delivery,
    /// and the shopper's language.</summary>
    public static WebApplicationBuilder AddStorefront(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DeliveryOptions>().Bind(builder.Configuration.GetSection(DeliveryOptions.Section))
            .Validate(o => o.LinkLifetime > TimeSpan.Zero, "Delivery:LinkLifetime must be positive.")
            // A worker of a Shopify app fulfils paid orders with a link Shopify emails: it must be absolute.
            .Validate<IOptions<Shopify.ShopifyOptions>, IOptions<Jobs.PipelineOptions>>((o, shopify, pipeline) =>
                    !pipeline.Value.IsWorker || string.IsNullOrEmpty(shopify.Value.ClientId)
                    || DeliveryOptions.PublicBase(o, shopify.Value) is not null,
                "Delivery:PublicBaseUrl (or Shopify:AppUrl) must be the app's public http(s) URL on a worker node: " +
                    "the buyer's download link goes into Shopify's fulfillment email, and Shopify accepts only an " +
                    "absolute URL.")
            .ValidateOnStart();
        services.AddOptions<StorefrontOptions>().Bind(builder.Configuration.GetSection(StorefrontOptions.Section))
            .Validate(o => o.StoriesPerShopPerMinute >= 1 && o.StoriesPerClientPerMinute >= 1,
                "Storefront limits must be at least 1 per minute.")
            .ValidateOnStart();
        services.AddShopperLanguage();
        services.AddSingleton<StoryRelease>();
        services.AddSingleton<StorefrontLimits>();
        services.AddSingleton<StorefrontSessions>();
        services.AddSingleton<ProgressFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<ProgressFeed>());
        return builder;
    }
}
