using System.ClientModel;
using System.Collections.Concurrent;
using Anthropic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using StorybookShop.Generation.OpenAI;
using StorybookShop.Hosting;

namespace StorybookShop.Generation.Text;

/// <summary>
/// The story writers behind one chat interface: <c>openai</c> (the OpenAI SDK's chat client), <c>anthropic</c> (the
/// official Anthropic SDK's <c>AsIChatClient()</c>) and <c>compatible</c> (the OpenAI SDK pointed at another
/// endpoint), each through the app's own HttpClient (circuit breaker, telemetry) with the SDK's retries off — the job
/// is the retry layer (<see cref="ProviderResilience"/>).
/// </summary>
public static class TextWriters
{
    public const string Anthropic = Providers.Anthropic;
    public const string Compatible = Providers.Compatible;

    public static IServiceCollection AddTextWriters(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ChatProviderOptions>(
            Anthropic,
            configuration.GetSection(ChatProviderOptions.AnthropicSection)
        );
        services.Configure<ChatProviderOptions>(
            Compatible,
            configuration.GetSection(ChatProviderOptions.CompatibleSection)
        );
        services
            .AddHttpClient(Anthropic, c => c.Timeout = System.Threading.Timeout.InfiniteTimeSpan)
            .AddProviderResilience();
        services
            .AddHttpClient(Compatible, c => c.Timeout = System.Threading.Timeout.InfiniteTimeSpan)
            .AddProviderResilience();

        services.AddKeyedSingleton<IStoryWriter>(Providers.OpenAI, (sp, _) => OpenAiWriter(sp));
        services.AddKeyedSingleton<IStoryWriter>(Anthropic, (sp, _) => AnthropicWriter(sp));
        services.AddKeyedSingleton<IStoryWriter>(Compatible, (sp, _) => CompatibleWriter(sp));
        return services;
    }

    private static ChatStoryWriter OpenAiWriter(IServiceProvider sp)
    {
        var o = sp.GetRequiredService<IOptions<OpenAiOptions>>().Value;
        var http = sp.GetRequiredService<IHttpClientFactory>();
        return new ChatStoryWriter(
            Providers.OpenAI,
            o.TextModel,
            PerModel(model =>
                new global::OpenAI.Chat.ChatClient(
                    model,
                    new ApiKeyCredential(o.ApiKey),
                    OpenAiClientOptions.ForJobs(o, http)
                ).AsIChatClient()
            ),
            () => o.TextPrices
        );
    }

    private static ChatStoryWriter AnthropicWriter(IServiceProvider sp)
    {
        var o = sp.GetRequiredService<IOptionsMonitor<ChatProviderOptions>>().Get(Anthropic);
        var http = sp.GetRequiredService<IHttpClientFactory>();
        return new ChatStoryWriter(
            Anthropic,
            o.TextModel,
            PerModel(model =>
            {
                var options = new global::Anthropic.Core.ClientOptions
                {
                    ApiKey = o.ApiKey,
                    HttpClient = http.CreateClient(Anthropic),
                    MaxRetries = 0,
                    Timeout = o.Timeout,
                };
                if (!string.IsNullOrWhiteSpace(o.Endpoint))
                    options.BaseUrl = o.Endpoint.TrimEnd('/');
                return new AnthropicClient(options).AsIChatClient(model, o.MaxOutputTokens);
            }),
            () => o.TextPrices
        );
    }

    private static ChatStoryWriter CompatibleWriter(IServiceProvider sp)
    {
        var o = sp.GetRequiredService<IOptionsMonitor<ChatProviderOptions>>().Get(Compatible);
        var http = sp.GetRequiredService<IHttpClientFactory>();
        return new ChatStoryWriter(
            Compatible,
            o.TextModel,
            PerModel(model =>
                new global::OpenAI.Chat.ChatClient(
                    model,
                    new ApiKeyCredential(o.ApiKey.Length > 0 ? o.ApiKey : "none"),
                    new global::OpenAI.OpenAIClientOptions
                    {
                        Endpoint = new Uri(o.Endpoint),
                        Transport = new System.ClientModel.Primitives.HttpClientPipelineTransport(
                            http.CreateClient(Compatible)
                        ),
                        RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(maxRetries: 0),
                        NetworkTimeout = o.Timeout,
                    }
                ).AsIChatClient()
            ),
            () => o.TextPrices
        );
    }

    /// <summary>One client per model (an experiment's arms may name models the provider's default is not).</summary>
    private static Func<string, IChatClient> PerModel(Func<string, IChatClient> create)
    {
        var clients = new ConcurrentDictionary<string, IChatClient>(StringComparer.Ordinal);
        return model => clients.GetOrAdd(model, create);
    }
}
