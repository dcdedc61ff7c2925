using System.Collections.Concurrent;

namespace StorybookShop.Shopify;

/// <summary>Each shop's GraphQL cost bucket as Shopify last described it; one per process, shared by every
/// request.</summary>
public sealed class ShopBuckets : IDisposable
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new();

    public sealed class Bucket
    {
        public double Maximum = 1000, Available = 1000, RestoreRate = 50;
        public DateTimeOffset At;
        public SemaphoreSlim Gate { get; } = new(1, 1);
    }

    public Bucket For(string shop, TimeProvider clock) => _buckets.GetOrAdd(shop,
        _ => new Bucket { At = clock.GetUtcNow() });

    public void Dispose()
    {
        foreach (var b in _buckets.Values) b.Gate.Dispose();
    }
}
