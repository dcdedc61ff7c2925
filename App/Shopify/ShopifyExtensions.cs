using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using StorybookShop.Generation;
using StorybookShop.Shopify.Webhooks;

namespace StorybookShop.Shopify;

public static class ShopifyExtensions
{
    /// <summary>Session-token authentication, token encryption, webhook intake and the webhook dispatcher.</summary>
    public static WebApplicationBuilder AddShopify(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var devMode = builder.Configuration.GetValue("Api:DevEndpoints", builder.Environment.IsDevelopment());
        services.AddOptions<ShopifyOptions>().Bind(builder.Configuration.GetSection(ShopifyOptions.Section))
            .Validate(o => devMode || (o.ClientId.Length > 0 && o.ClientSecret.Length > 0), "Shopify:ClientId and Shopify:ClientSecret are required outside development.")
            .Validate(o => o.ShopUrlTemplate.Contains("{shop}", StringComparison.Ordinal), "Shopify:ShopUrlTemplate must contain {shop}.")
            .Validate(o => !builder.Environment.IsProduction() || Uri.TryCreate(o.AppUrl, UriKind.Absolute,
                out var url) && url.Scheme == "https",
                "Shopify:AppUrl (the app's public https URL) is required in Production: OAuth redirects are never built from the Host header.")
            .Validate(o => System.Text.RegularExpressions.Regex.IsMatch(o.ApiVersion, @"^\d{4}-(01|04|07|10)$|^unstable$"), "Shopify:ApiVersion must look like 2026-10.")
            .ValidateOnStart();
        services.AddOptions<WebhookOptions>().Bind(builder.Configuration.GetSection(WebhookOptions.Section))
            .Validate(o => o.BatchSize > 0 && o.MaxAttempts > 0, "Webhooks:BatchSize and MaxAttempts must be positive.").ValidateOnStart();

        services.AddSingleton<SessionTokenValidator>();
        services.AddScoped<CurrentShop>();
        services.AddHttpClient<ShopifyTokens>(c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<ShopBuckets>();
        services.AddHttpClient<ShopifyGraphQL>(c => c.Timeout = TimeSpan.FromSeconds(60));
        services.AddHttpClient("shopify-uploads", c => c.Timeout = TimeSpan.FromSeconds(120));
        services.AddOptions<Publishing.PublishingOptions>().Bind(builder.Configuration.GetSection(Publishing.PublishingOptions.Section))
            .Validate(o => o.DefaultPrice >= 0 && o.PreviewPages >= 0, "Publishing:DefaultPrice and PreviewPages must not be negative.").ValidateOnStart();
        services.AddTransient<Publishing.ProductPublisher>();
        services.AddTransient<Admin.ShopProducts>();
        services.AddExceptionHandler<ShopifyAuthExceptionHandler>();
        services.AddAuthentication(SessionTokenAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SessionTokenAuthentication>(SessionTokenAuthentication.SchemeName, null);
        services.AddAuthorization();

        // Tokens are encrypted with a key ring every node shares through PostgreSQL; the key ring itself is encrypted
        // with a key-encryption key kept outside the database (required in Production).
        services.AddDataProtection().SetApplicationName("StorybookShop");
        services.AddOptions<KeyRingOptions>().Bind(builder.Configuration.GetSection(KeyRingOptions.Section));
        var kek = KeyRingOptions.Decode(builder.Configuration[$"{KeyRingOptions.Section}:KeyEncryptionKey"]);
        if (kek is null && builder.Environment.IsProduction())
            throw new InvalidOperationException(
                "DataProtection:KeyEncryptionKey is required in Production: it encrypts the key ring that encrypts every shop's access " +
                "tokens, which is stored in PostgreSQL. Generate one with `openssl rand -base64 32` and keep it in your secret store " +
                "(environment variable DataProtection__KeyEncryptionKey).");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new DatabaseKeyRepository(sp);
            if (kek is not null) o.XmlEncryptor = new KeyRingEncryptor(kek);
        }));
        services.AddSingleton<TokenProtector>();

        services.AddSingleton<IWebhookHandler, AppUninstalledHandler>();
        services.AddSingleton<IWebhookHandler, ScopesUpdateHandler>();
        services.AddSingleton<IWebhookHandler, OrdersPaidHandler>();
        services.AddSingleton<IWebhookHandler, OrderReversedHandler>();
        services.AddSingleton<Storefront.StoryRelease>();
        services.AddOptions<Storefront.DeliveryOptions>().Bind(builder.Configuration.GetSection(Storefront.DeliveryOptions.Section))
            .Validate(o => o.LinkLifetime > TimeSpan.Zero, "Delivery:LinkLifetime must be positive.").ValidateOnStart();
        services.AddOptions<Storefront.StorefrontOptions>().Bind(builder.Configuration.GetSection(Storefront.StorefrontOptions.Section))
            .Validate(o => o.StoriesPerShopPerMinute >= 1 && o.StoriesPerClientPerMinute >= 1, "Storefront limits must be at least 1 per minute.").ValidateOnStart();
        services.AddSingleton<Storefront.StorefrontLimits>();
        services.AddSingleton<Stories.StoryEraser>();
        services.AddSingleton<Storefront.StorefrontSessions>();
        services.AddSingleton<Storefront.ProgressFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<Storefront.ProgressFeed>());
        services.AddSingleton<IWebhookHandler, ComplianceHandler>();
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<WebhookWriter>();
        services.AddSingleton<WebhookDispatcher>();
        var pipeline = builder.Configuration.GetSection(Jobs.PipelineOptions.Section).Get<Jobs.PipelineOptions>()
            ?? new Jobs.PipelineOptions();
        if (pipeline.IsWorker) services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return builder;
    }
}
