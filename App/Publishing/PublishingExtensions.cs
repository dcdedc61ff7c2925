using Hangfire.Common;
using StorybookShop.Jobs;

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
}
