namespace StorybookShop.Stories;

public static class StoriesExtensions
{
    /// <summary>The create flow every door uses; validators come from <see
    /// cref="Hosting.RequestValidation"/>.</summary>
    public static WebApplicationBuilder AddStories(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<StoryCreation>();
        builder.Services.AddSingleton<StoryEraser>();
        builder.Services.AddSingleton<Shopify.Webhooks.IWebhookHandler, ComplianceHandler>();
        return builder;
    }
}
