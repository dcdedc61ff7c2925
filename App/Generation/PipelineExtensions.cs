using Hangfire.Common;
using Microsoft.Extensions.Options;
using StorybookShop.Generation.Offline;
using StorybookShop.Generation.Text;
using StorybookShop.Hosting;
using StorybookShop.Jobs;

namespace StorybookShop.Generation;

public static class PipelineExtensions
{
    /// <summary>The pipeline, its text, picture and narration stages and their providers, and the kinds of job that run
    /// the stages (the book stage is Books'; the job engine is <see cref="Jobs.JobsExtensions.AddJobs"/>).</summary>
    public static WebApplicationBuilder AddStoryPipeline(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var generation = builder.AddGenerationOptions();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<GenerationLedger>();
        services.AddSingleton<Budget>();
        services.AddSingleton<StoryPipeline>();
        builder.AddProviders(generation);
        services.AddSingleton<IPipelineStage, TextStage>();
        services.AddSingleton<IPipelineStage, IllustrationStage>();
        services.AddSingleton<IPipelineStage, NarrationStage>();
        foreach (var stage in StoryPipeline.Order)
            services.AddStoryJob(
                new StoryJobDefinition(
                    StoryPipeline.KindOf(stage),
                    id => Job.FromExpression<StoryStageJob>(j => j.RunAsync(id, stage, CancellationToken.None)),
                    job =>
                        job.Type == typeof(StoryStageJob)
                        && job.Args.Count > 1
                        && job.Args[1] is Data.PipelineStages s
                        && s == stage
                )
                {
                    Failed = StoryStageJob.FailedForGood(stage),
                    Requeued = StoryStageJob.Requeued,
                }
            );
        services.AddRecurringJob(PipelineReconcilerJob.RecurringId, PipelineReconcilerJob.Schedule);
        return builder;
    }

    /// <summary>Generation's options and each provider's, validated at start against the providers chosen.</summary>
    private static GenerationOptions AddGenerationOptions(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services
            .AddOptions<GenerationOptions>()
            .Bind(builder.Configuration.GetSection(GenerationOptions.Section))
            .Validate(
                o =>
                    o.TextProvider
                        is Providers.Offline
                            or Providers.OpenAI
                            or Providers.Anthropic
                            or Providers.Compatible,
                "Generation:TextProvider must be offline, openai, anthropic or compatible."
            )
            .Validate(
                o => o.ImageProvider is Providers.Offline or Providers.OpenAI,
                "Generation:ImageProvider must be offline or openai."
            )
            .Validate(
                o => o.AudioProvider is Providers.Offline or Providers.OpenAI or Providers.ElevenLabs,
                "Generation:AudioProvider must be offline, openai or elevenlabs."
            )
            .Validate(
                o => o.ModerationProvider is Providers.Offline or Providers.OpenAI or Providers.None,
                "Generation:ModerationProvider must be offline, openai or none."
            )
            .Validate(
                o => o.IllustrationConcurrency >= 1 && o.NarrationConcurrency >= 1 && o.ShopImageConcurrency >= 1,
                "Generation concurrency must be at least 1."
            )
            .ValidateOnStart();
        var generation = builder.Configuration.GetSection(GenerationOptions.Section).Get<GenerationOptions>()
            ?? new GenerationOptions();
        services.AddOpenAiOptions(builder.Configuration, generation);
        services.AddElevenLabsOptions(builder.Configuration, generation);
        return generation;
    }

    private static void AddOpenAiOptions(
        this IServiceCollection services,
        IConfiguration configuration,
        GenerationOptions generation
    ) =>
        services
            .AddOptions<OpenAI.OpenAiOptions>()
            .Bind(configuration.GetSection(OpenAI.OpenAiOptions.Section))
            .Validate(
                o => generation.TextProvider != Providers.OpenAI || (o.ApiKey.Length > 0 && o.TextModel.Length > 0),
                "OpenAI:ApiKey and OpenAI:TextModel are required when Generation:TextProvider is openai."
            )
            .Validate(
                o => generation.ModerationProvider != Providers.OpenAI || o.ApiKey.Length > 0,
                "OpenAI:ApiKey is required when Generation:ModerationProvider is openai."
            )
            .Validate(
                o => generation.ImageProvider != Providers.OpenAI || (o.ApiKey.Length > 0 && o.Images.Model.Length > 0),
                "OpenAI:ApiKey and OpenAI:Images:Model are required when Generation:ImageProvider is openai."
            )
            .Validate(
                o => generation.AudioProvider != Providers.OpenAI || (o.ApiKey.Length > 0 && o.Audio.Model.Length > 0),
                "OpenAI:ApiKey and OpenAI:Audio:Model are required when Generation:AudioProvider is openai."
            )
            .Validate(
                o => System.Text.RegularExpressions.Regex.IsMatch(o.Images.Size, @"^\d{3,4}x\d{3,4}$"),
                "OpenAI:Images:Size must look like 1024x1024."
            )
            .ValidateOnStart();

    private static void AddElevenLabsOptions(
        this IServiceCollection services,
        IConfiguration configuration,
        GenerationOptions generation
    ) =>
        services
            .AddOptions<ElevenLabs.ElevenLabsOptions>()
            .Bind(configuration.GetSection(ElevenLabs.ElevenLabsOptions.Section))
            .Validate(
                o =>
                    generation.AudioProvider != Providers.ElevenLabs
                    || (o.ApiKey.Length > 0 && o.ModelId.Length > 0 && o.VoiceId.Length > 0),
                "ElevenLabs:ApiKey, ElevenLabs:ModelId and ElevenLabs:VoiceId are required when "
                    + "Generation:AudioProvider is elevenlabs."
            )
            .Validate(o => o.Concurrency >= 1, "ElevenLabs:Concurrency must be at least 1.")
            .ValidateOnStart();

    /// <summary>Every provider registered under its name (clients are made on first use); ProviderCatalog picks per
    /// shop among the configured ones. A host replaces one by registering another under the same key.</summary>
    private static void AddProviders(this WebApplicationBuilder builder, GenerationOptions generation)
    {
        var services = builder.Services;
        services
            .AddHttpClient(ElevenLabs.ElevenLabsNarrator.HttpClientName, (sp, c) =>
                c.Timeout = sp.GetRequiredService<IOptions<ElevenLabs.ElevenLabsOptions>>().Value.Timeout
            )
            .AddProviderResilience();
        // The OpenAI SDK's own network timeout (100 s a call) applies; the client adds the circuit breaker and
        // telemetry.
        services
            .AddHttpClient(ProviderResilience.OpenAi, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddProviderResilience();
        if (generation.ModerationProvider == Providers.OpenAI)
            services.AddSingleton<IContentModerator, OpenAI.OpenAiModeration>();
        else if (generation.ModerationProvider == Providers.Offline)
            services.AddSingleton<IContentModerator, WordListModeration>();
        else
            services.AddSingleton<IContentModerator, NoModeration>();
        services.AddKeyedSingleton<IStoryWriter, OfflineStoryWriter>(Providers.Offline);
        services.AddTextWriters(builder.Configuration);
        services.AddKeyedSingleton<IIllustrator, OfflineIllustrator>(Providers.Offline);
        services.AddKeyedSingleton<IIllustrator, OpenAI.OpenAiIllustrator>(Providers.OpenAI);
        services.AddKeyedSingleton<INarrator, EspeakNarrator>(Providers.Offline);
        services.AddKeyedSingleton<INarrator, OpenAI.OpenAiNarrator>(Providers.OpenAI);
        services.AddKeyedSingleton<INarrator, ElevenLabs.ElevenLabsNarrator>(Providers.ElevenLabs);
        services.AddSingleton<ProviderCatalog>();
    }
}
