using System.ClientModel.Primitives;
using OpenAI;

namespace StorybookShop.Generation.OpenAI;

/// <summary>
/// How the OpenAI SDK reaches OpenAI (see <see cref="Hosting.ProviderResilience"/>): through the app's "openai"
/// HttpClient (its circuit breaker and telemetry), with the SDK's own retries off for calls made inside a pipeline job
/// —
/// the job is their one retry layer.
/// </summary>
public static class OpenAiClientOptions
{
    public static OpenAIClientOptions ForJobs(OpenAiOptions o, IHttpClientFactory http)
    {
        var options = new OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(http.CreateClient(Hosting.ProviderResilience.OpenAi)),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        if (!string.IsNullOrWhiteSpace(o.Endpoint))
            options.Endpoint = new Uri(o.Endpoint);
        return options;
    }
}
