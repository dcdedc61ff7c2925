using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace StorybookShop.Hosting;

/// <summary>
/// The retry policy, in one place: every call path has exactly one retry layer.
/// <list type="bullet">
/// <item>Provider calls made inside a pipeline job (OpenAI text, pictures and speech; ElevenLabs; Shopify's publish and
/// fulfilment calls): <b>the job is the retry layer</b> — Hangfire's attempts with doubling backoff
/// (<c>Pipeline:Retry*</c>). The HTTP clients do not retry: the OpenAI SDK's retries are off, Shopify's 429/5xx and
/// ElevenLabs' "busy" answers end the attempt. Stages are idempotent, so a retried job redoes only what is
/// missing.</item>
/// <item>Calls made while a person waits (moderation of a new story; Shopify's token exchange and the product list in
/// Settings): one layer in the call itself — the OpenAI SDK's own retries for moderation; Shopify calls fail fast and
/// the page says so.</item>
/// <item>Not retries, and kept: Shopify's GraphQL cost bucket (a THROTTLED answer waits for the bucket to refill), a
/// refused token refreshed once, ElevenLabs' wait for a free concurrency slot.</item>
/// </list>
/// Every provider client also has a circuit breaker (Microsoft.Extensions.Http.Resilience): when half of at least 10
/// calls in 30 s fail, calls fail at once for 15 s instead of piling onto a provider that is down.
/// </summary>
public static class ProviderResilience
{
    public const string OpenAi = "openai";

    public static IHttpClientBuilder AddProviderResilience(this IHttpClientBuilder client)
    {
        client.AddResilienceHandler("provider", pipeline => pipeline.AddCircuitBreaker(
                new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.5,
                    MinimumThroughput = 10,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = TimeSpan.FromSeconds(15),
                }
            ));
        return client;
    }
}
