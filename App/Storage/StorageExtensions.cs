using Amazon.S3;
using Microsoft.Extensions.Options;

namespace StorybookShop.Storage;

public static class StorageExtensions
{
    public static WebApplicationBuilder AddAssetStorage(this WebApplicationBuilder builder)
    {
        builder
            .Services.AddOptions<StorageOptions>()
            .Bind(builder.Configuration.GetSection(StorageOptions.Section))
            .Validate(o => o.Provider is "Local" or "S3", "Storage:Provider must be Local or S3.")
            .Validate(o => o.UrlLifetime > TimeSpan.Zero, "Storage:UrlLifetime must be positive.")
            .ValidateOnStart();

        var provider = builder.Configuration[$"{StorageOptions.Section}:Provider"] ?? "Local";
        if (provider == "S3")
        {
            builder.Services.AddSingleton<IAmazonS3>(sp =>
                S3AssetStore.CreateClient(sp.GetRequiredService<IOptions<StorageOptions>>().Value.S3)
            );
            builder.Services.AddSingleton<S3AssetStore>();
            builder.Services.AddSingleton<IAssetStore>(sp => sp.GetRequiredService<S3AssetStore>());
        }
        else
        {
            builder.Services.AddSingleton<LocalAssetStore>();
            builder.Services.AddSingleton<IAssetStore>(sp => sp.GetRequiredService<LocalAssetStore>());
        }
        return builder;
    }

    public static async Task PrepareAssetStorageAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (options.Provider == "S3" && options.S3.CreateBucket)
            await app.Services.GetRequiredService<S3AssetStore>().EnsureBucketAsync();
    }

    /// <summary>Serves local-disk assets to whoever holds an unexpired signed link.</summary>
    public static WebApplication MapAssets(this WebApplication app)
    {
        app.MapGet(
                "/assets/{**key}",
                (string key, long? exp, string? sig, IServiceProvider services, HttpContext http) =>
                {
                    if (services.GetService<LocalAssetStore>() is not { } store)
                        return Results.NotFound();
                    if (!AssetKeys.IsSafe(key))
                        return Results.NotFound();
                    if (exp is null || !store.Verify(key, exp.Value, sig))
                        return Results.Problem(
                            statusCode: StatusCodes.Status403Forbidden,
                            title: "This link has expired or is not valid."
                        );
                    var path = store.PathFor(key);
                    // A signed link's content never changes: the browser keeps it until the link expires.
                    var left = exp.Value - DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                    http.Response.Headers.CacheControl = $"private, max-age={Math.Max(0, left)}, immutable";
                    return File.Exists(path)
                        ? Results.File(path, AssetKeys.ContentType(key), enableRangeProcessing: true)
                        : Results.NotFound();
                }
            )
            .ExcludeFromDescription();
        return app;
    }
}
