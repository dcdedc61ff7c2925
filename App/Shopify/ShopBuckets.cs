using System.Collections.Concurrent;

namespace StorybookShop.Shopify;

/// <summary>Each shop's GraphQL cost bucket as Shopify last described it; one per process, shared by every
/// request.</summary>
public sealed class ShopBuckets : IDisposable
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new();
    private readonly ConcurrentDictionary<string, double> _costs = new(StringComparer.Ordinal);

    public sealed class Bucket
    {
        public double Maximum = 1000,
            Available = 1000,
            RestoreRate = 50;
        public DateTimeOffset At;
        public SemaphoreSlim Gate { get; } = new(1, 1);
    }

    public Bucket For(string shop, TimeProvider clock) =>
        _buckets.GetOrAdd(shop, _ => new Bucket { At = clock.GetUtcNow() });

    /// <summary>An operation's requested cost as Shopify last reported it (its cost depends only on the document
    /// and the page sizes in it), or <paramref name="guess"/> before the first answer.</summary>
    public double CostOf(string operation, double guess) => _costs.TryGetValue(operation, out var cost) ? cost : guess;

    public void LearnCost(string operation, double requested) => _costs[operation] = requested;

    public void Dispose()
    {
        foreach (var b in _buckets.Values)
            b.Gate.Dispose();
    }
}
