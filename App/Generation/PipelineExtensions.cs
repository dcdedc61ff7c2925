using Microsoft.Extensions.Options;
using Quartz;
using StorybookShop.Books;
using StorybookShop.Generation.Offline;
using StorybookShop.Rendering;

namespace StorybookShop.Generation;

public static class PipelineExtensions
{
    /// <summary>Quartz on the app's PostgreSQL (clustered), the four stages, the providers and the reconciler.</summary>
    public static WebApplicationBuilder AddStoryPipeline(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PipelineOptions>().Bind(builder.Configuration.GetSection(PipelineOptions.Section))
            .Validate(o => o.RetryAttempts >= 1, "Pipeline:RetryAttempts must be at least 1.")
            .Validate(o => o.WorkerThreads >= 1, "Pipeline:WorkerThreads must be at least 1.")
            .Validate(o => o.IdleWaitTime >= TimeSpan.FromSeconds(1), "Pipeline:IdleWaitTime must be at least 1 second.")
            .ValidateOnStart();
        services.AddOptions<GenerationOptions>().Bind(builder.Configuration.GetSection(GenerationOptions.Section))
            .Validate(o => o.TextProvider is "offline" or "openai", "Generation:TextProvider must be offline or openai.")
            .Validate(o => o.ImageProvider is "offline" or "openai", "Generation:ImageProvider must be offline or openai.")
            .Validate(o => o.AudioProvider == "offline", "Only offline narration exists so far: set Generation:AudioProvider to \"offline\".")
            .Validate(o => o.IllustrationConcurrency >= 1 && o.NarrationConcurrency >= 1, "Generation concurrency must be at least 1.")
            .ValidateOnStart();
        services.AddOptions<ChromiumOptions>().Bind(builder.Configuration.GetSection(ChromiumOptions.Section))
            .Validate(o => o.PagePoolSize >= 1, "Chromium:PagePoolSize must be at least 1.").ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Chromium>();
        services.AddSingleton<BookRenderer>();
        services.AddSingleton<GenerationLedger>();
        services.AddSingleton<Budget>();
        services.AddSingleton<StoryPipeline>();
        var generation = builder.Configuration.GetSection(GenerationOptions.Section).Get<GenerationOptions>() ?? new GenerationOptions();
        services.AddOptions<OpenAI.OpenAiOptions>().Bind(builder.Configuration.GetSection(OpenAI.OpenAiOptions.Section))
            .Validate(o => generation.TextProvider != "openai" || (o.ApiKey.Length > 0 && o.TextModel.Length > 0), "OpenAI:ApiKey and OpenAI:TextModel are required when Generation:TextProvider is openai.")
            .Validate(o => generation.ModerationProvider != "openai" || o.ApiKey.Length > 0, "OpenAI:ApiKey is required when Generation:ModerationProvider is openai.")
            .Validate(o => generation.ImageProvider != "openai" || (o.ApiKey.Length > 0 && o.Images.Model.Length > 0),
                "OpenAI:ApiKey and OpenAI:Images:Model are required when Generation:ImageProvider is openai.")
            .Validate(o => System.Text.RegularExpressions.Regex.IsMatch(o.Images.Size, @"^\d{3,4}x\d{3,4}$"), "OpenAI:Images:Size must look like 1024x1024.")
            .ValidateOnStart();
        if (generation.ModerationProvider == "openai") services.AddSingleton<OpenAI.IContentModerator, OpenAI.OpenAiModeration>();
        else services.AddSingleton<OpenAI.IContentModerator, OpenAI.NoModeration>();
        if (generation.TextProvider == "openai") services.AddSingleton<IStoryWriter, OpenAI.OpenAiStoryWriter>();
        else services.AddSingleton<IStoryWriter, OfflineStoryWriter>();
        if (generation.ImageProvider == "openai") services.AddSingleton<IIllustrator, OpenAI.OpenAiIllustrator>();
        else services.AddSingleton<IIllustrator, OfflineIllustrator>();
        services.AddSingleton<INarrator, EspeakNarrator>();
        services.AddSingleton<IPipelineStage, TextStage>();
        services.AddSingleton<IPipelineStage, IllustrationStage>();
        services.AddSingleton<IPipelineStage, NarrationStage>();
        services.AddSingleton<IPipelineStage, BookStage>();

        var pipeline = builder.Configuration.GetSection(PipelineOptions.Section).Get<PipelineOptions>() ?? new PipelineOptions();
        var connectionString = builder.Configuration.GetConnectionString("Default")!;
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s => s.IdleWaitTime = pipeline.IdleWaitTime);
            q.UseDefaultThreadPool(pipeline.WorkerThreads);
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(connectionString);
                store.UseClustering(c =>
                {
                    c.CheckinInterval = pipeline.CheckinInterval;
                    c.CheckinMisfireThreshold = pipeline.CheckinMisfireThreshold;
                });
                store.ProvisionSchema();
                store.UseExecutionHistory();
            });
            q.AddJobListener<StageFailureListener>([GroupMatcher<JobKey>.GroupEquals(StoryPipeline.Group)]);
            q.ScheduleJob<PipelineReconcilerJob>(
                t => t.WithIdentity("pipeline-reconciler", "system").StartNow().WithSimpleSchedule(x => x.WithInterval(pipeline.ReconcileInterval).RepeatForever()),
                j => j.WithIdentity(PipelineReconcilerJob.Key));
        });
        // A web-only node keeps its scheduler in standby: it can schedule into the shared store but runs nothing.
        services.AddQuartzHostedService(o =>
        {
            o.AutoStart = pipeline.IsWorker;
            o.WaitForJobsToComplete = false;
        });
        return builder;
    }
}
