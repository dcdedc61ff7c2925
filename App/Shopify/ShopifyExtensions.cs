using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using StorybookShop.Data;
using StorybookShop.Hosting;

namespace StorybookShop.Shopify;

public static class ShopifyExtensions
{
    /// <summary>Shopify's client secrets are 32 hexadecimal characters (newer ones carry a <c>shpss_</c> prefix
    /// too); HS256 needs a key of at least 256 bits.</summary>
    public const int MinimumSecretLength = 32;

    /// <summary>Shopify's side of the app: its options, session-token authentication, the Admin API clients and the
    /// encrypted tokens (webhooks: <see cref="Webhooks.WebhooksExtensions.AddWebhooks"/>).</summary>
    public static WebApplicationBuilder AddShopify(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        DevMode.Check(builder.Configuration, builder.Environment);
        var devMode = DevMode.Enabled(builder.Configuration, builder.Environment);
        var development = builder.Environment.IsDevelopment();
        services
            .AddOptions<ShopifyOptions>()
            .Bind(builder.Configuration.GetSection(ShopifyOptions.Section))
            .Validate(
                o => devMode || (o.ClientId.Length > 0 && o.ClientSecret.Length > 0),
                "Shopify:ClientId and Shopify:ClientSecret are required outside development."
            )
            .Validate(
                o => o.Secrets().All(secret => secret.Length >= MinimumSecretLength),
                $"Shopify:ClientSecret (and PreviousClientSecret) must be the app's whole client secret as the Dev "
                    + $"Dashboard shows it (at least {MinimumSecretLength} characters): Shopify signs session tokens "
                    + "and webhooks with it, and a shorter key cannot check an HS256 signature."
            )
            .Validate(
                o => o.ShopUrlTemplate.Contains("{shop}", StringComparison.Ordinal),
                "Shopify:ShopUrlTemplate must contain {shop}."
            )
            .Validate(
                o => development || Uri.TryCreate(o.AppUrl, UriKind.Absolute, out var url) && url.Scheme == "https",
                "Shopify:AppUrl (the app's public https URL) is required outside Development: OAuth redirects are "
                    + "never built from the Host header."
            )
            .Validate(
                o => System.Text.RegularExpressions.Regex.IsMatch(o.ApiVersion, @"^\d{4}-(01|04|07|10)$|^unstable$"),
                "Shopify:ApiVersion must look like 2026-10."
            )
            .ValidateOnStart();

        services.AddSingleton<SessionTokenValidator>();
        services.AddScoped<CurrentShop>();
        services.AddHttpClient<ShopifyTokens>(c => c.Timeout = TimeSpan.FromSeconds(30)).AddProviderResilience();
        services.AddSingleton<ShopBuckets>();
        services.AddTransient<ShopLocale>();
        services.AddHttpClient<ShopifyGraphQL>(c => c.Timeout = TimeSpan.FromSeconds(60)).AddProviderResilience();
        services.AddHttpClient("shopify-uploads", c => c.Timeout = TimeSpan.FromSeconds(120)).AddProviderResilience();
        services.AddExceptionHandler<ShopifyAuthExceptionHandler>();
        services.AddExceptionHandler<ShopifyUnavailableExceptionHandler>();
        // No default scheme: each policy names the scheme it authenticates with (ShopPolicies; the operator's).
        services.AddHttpContextAccessor();
        services
            .AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, SessionTokenAuthentication>(
                SessionTokenAuthentication.SchemeName,
                null
            );
        services.AddShopPolicies();

        // Tokens are encrypted with a key ring every node shares through PostgreSQL; the key ring itself is encrypted
        // with a key-encryption key kept outside the database (required in Production).
        services.AddDataProtection().SetApplicationName("StorybookShop").PersistKeysToDbContext<AppDbContext>();
        services.AddOptions<KeyRingOptions>().Bind(builder.Configuration.GetSection(KeyRingOptions.Section));
        var kek = KeyRingOptions.Decode(builder.Configuration[$"{KeyRingOptions.Section}:KeyEncryptionKey"]);
        if (kek is null && !development)
            throw new InvalidOperationException(
                "DataProtection:KeyEncryptionKey is required outside Development: it encrypts the key ring that "
                    + "encrypts every shop's access "
                    + "tokens, which is stored in PostgreSQL. Generate one with `openssl rand -base64 32` and keep "
                    + "it in your secret store "
                    + "(environment variable DataProtection__KeyEncryptionKey)."
            );
        if (kek is not null)
            services.Configure<KeyManagementOptions>(o => o.XmlEncryptor = new KeyRingEncryptor(kek));
        services.AddSingleton<TokenProtector>();

        return builder;
    }
}
