using Hangfire.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using StorybookShop.Jobs;
using StorybookShop.Shopify;

namespace StorybookShop.Publishing;

public static class PublishingExtensions
{
    /// <summary>A complete book as a Shopify digital product (the publish job and its options).</summary>
    public static WebApplicationBuilder AddPublishing(this WebApplicationBuilder builder)
    {
        builder
            .Services.AddOptions<PublishingOptions>()
            .Bind(builder.Configuration.GetSection(PublishingOptions.Section))
            .Validate(
                o => o.DefaultPrice >= 0 && o.PreviewPages >= 0,
                "Publishing:DefaultPrice and PreviewPages must not be negative."
            )
            .ValidateOnStart();
        builder.Services.AddTransient<ProductPublisher>();
        builder.Services.AddTransient<BookProduct>();
        builder.Services.AddStoryJob(
            new StoryJobDefinition(
                StoryJobKind.Publish,
                id => Job.FromExpression<PublishJob>(j => j.RunAsync(id, CancellationToken.None)),
                job => job.Type == typeof(PublishJob)
            )
            {
                Failed = PublishJob.FailedForGood,
            }
        );
        return builder;
    }

    /// <summary><c>POST /api/setup/book-product</c>: the setup guide's one click that makes the app's own book
    /// product and chooses it (safe to repeat).</summary>
    public static WebApplication MapBookProduct(this WebApplication app)
    {
        app.MapShopApi("/api/setup", "Setup")
            .MapPost(
                "/book-product",
                async Task<Ok<BookProduct.SetUp>> (CurrentShop shop, BookProduct product, CancellationToken ct) =>
                    TypedResults.Ok(await product.SetUpAsync(shop.Id, ct))
            );
        return app;
    }
}
