using System.Diagnostics;

namespace StorybookShop.Telemetry;

/// <summary>The app's own spans: one per pipeline job (stage, publish, deliver), carrying story and shop ids.</summary>
public static class StoryTracing
{
    public const string SourceName = "StorybookShop";
    public static readonly ActivitySource Source = new(SourceName);

    public const string StoryId = "storybook.story_id";
    public const string ShopId = "storybook.shop_id";
    public const string Stage = "storybook.stage";
    public const string JobId = "hangfire.job_id";
    public const string Attempt = "hangfire.attempt";
}
