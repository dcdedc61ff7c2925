using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Stories;

namespace StorybookShop.Storefront;

/// <summary>
/// One progress reader per node for every open Server-Sent Events stream: once a second it reads the progress of
/// all watched stories in one query and pushes what changed to their streams (instead of one query per stream per
/// second). Streams are capped per shop and per shopper on the node.
/// </summary>
public sealed partial class ProgressFeed(
    IDbContextFactory<AppDbContext> contexts,
    IOptions<StorefrontOptions> options,
    ILogger<ProgressFeed> logger
) : BackgroundService
{
    private readonly ConcurrentDictionary<Watcher, byte> _watchers = new();
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>One open stream: its story, who opened it, and the channel its updates arrive on.</summary>
    public sealed class Watcher(ProgressFeed feed, Guid storyId, string shop, string shopper) : IDisposable
    {
        public Guid StoryId { get; } = storyId;
        public string Shop { get; } = shop;
        public string Shopper { get; } = shopper;
        public Channel<StoryProgress> Updates { get; } =
            Channel.CreateBounded<StoryProgress>(
                new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true }
            );
        internal StoryProgress? Last { get; set; }

        public void Dispose() => feed._watchers.TryRemove(this, out _);
    }

    /// <summary>A watcher for the story, or null when the shop or the shopper already has as many streams open as
    /// allowed.</summary>
    public Watcher? Watch(Guid storyId, string shop, string shopper)
    {
        lock (_watchers)
        {
            var o = options.Value;
            if (_watchers.Keys.Count(w => w.Shop == shop) >= o.StreamsPerShop)
                return null;
            if (_watchers.Keys.Count(w => w.Shop == shop && w.Shopper == shopper) >= o.StreamsPerShopper)
                return null;
            var watcher = new Watcher(this, storyId, shop, shopper);
            _watchers[watcher] = 0;
            _wake.Release();
            return watcher;
        }
    }

    /// <summary>The progress of stories (of one shop, when given) in one query.</summary>
    public static async Task<List<StoryProgress>> ReadAsync(
        AppDbContext db,
        IReadOnlyCollection<Guid> ids,
        string? shop,
        CancellationToken ct
    )
    {
        var rows = await db
            .Stories.AsNoTracking()
            .Where(x => ids.Contains(x.Id) && (shop == null || x.Shop!.Domain == shop))
            .Select(x => new
            {
                x.Id,
                x.Status,
                x.StagesDone,
                x.Title,
                x.Released,
                Pages = x.Pages.Count,
                Images = x.Pages.Count(p => p.ImageStage == AssetStage.Done),
                Audio = x.Pages.Count(p => p.AudioStage == AssetStage.Done),
            })
            .ToListAsync(ct);
        return
        [
            .. rows.Select(s => new StoryProgress(
                s.Id,
                s.Status,
                s.Status is StoryStatus.Complete or StoryStatus.Published or StoryStatus.Preview
                    ? 100
                    : StoryApi.Percent(s.StagesDone, s.Pages, s.Images, s.Audio),
                s.Title,
                s.Released
            )),
        ];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            if (_watchers.IsEmpty)
                await _wake.WaitAsync(stoppingToken);
            try
            {
                var watchers = _watchers.Keys.ToList();
                if (watchers.Count > 0)
                {
                    await using var db = await contexts.CreateDbContextAsync(stoppingToken);
                    var progress = (
                        await ReadAsync(db, [.. watchers.Select(w => w.StoryId).Distinct()], null, stoppingToken)
                    ).ToDictionary(p => p.Id);
                    foreach (var w in watchers)
                        if (progress.TryGetValue(w.StoryId, out var p) && p != w.Last)
                        {
                            w.Last = p;
                            w.Updates.Writer.TryWrite(p);
                        }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.ProgressReadFailed(logger, e);
            }
            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read story progress; trying again")]
        public static partial void ProgressReadFailed(ILogger logger, Exception exception);
    }
}
