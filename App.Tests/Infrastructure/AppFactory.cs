using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Stories;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>The real app, in process, against a real database and real Chromium; settings override
/// appsettings.json.</summary>
public sealed class AppFactory(
    string connectionString,
    IDictionary<string, string?>? settings = null,
    string environment = "Development"
) : WebApplicationFactory<Program>
{
    public string ConnectionString { get; } = connectionString;
    public string AssetRoot { get; } =
        settings is not null && settings.TryGetValue("Storage:Local:Root", out var root) && root is not null
            ? root
            : TestServices.TempDirectory("assets");

    /// <summary>Fast, test-sized pipeline settings: short retries and check-ins.</summary>
    public static Dictionary<string, string?> FastPipeline() =>
        new()
        {
            ["Pipeline:RetryAttempts"] = "2",
            ["Pipeline:RetryInitialDelay"] = "00:00:01",
            ["Pipeline:RetryMaxDelay"] = "00:00:02",
            ["Pipeline:ReconcileInterval"] = "00:00:00",
            // Each Hangfire worker holds a connection while it long-polls for work: a test node needs few of them.
            ["Pipeline:WorkerThreads"] = "4",
            ["Pipeline:SchedulePollingInterval"] = "00:00:01",
            ["Generation:Offline:Illustrations:SizePx"] = "512",
            ["Shopify:ClientId"] = ShopifyKit.ClientId,
            ["Shopify:ClientSecret"] = ShopifyKit.Secret,
            ["Shopify:PreviousClientSecret"] = ShopifyKit.PreviousSecret,
            // A Shopify app's worker fulfils orders with an absolute download link: its public URL is required.
            ["Shopify:AppUrl"] = "https://storybook.example.test",
            ["Webhooks:RetryInitialDelay"] = "00:00:01",
            ["Webhooks:PollInterval"] = "00:00:01",
            // Shops in tests make books without a plan; the billing tests turn the gate on.
            ["Billing:Enforce"] = "false",
        };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("ConnectionStrings:Default", ConnectionString);
        builder.UseSetting("Storage:Local:Root", AssetRoot);
        foreach (var (key, value) in FastPipeline())
            builder.UseSetting(key, value);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
    }

    public AppDbContext Db() => Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();

    /// <summary>
    /// Commits a Generating story for the dev shop without enqueuing it — what a request whose enqueue failed after
    /// its commit leaves behind. Pass <paramref name="start"/> to enqueue it as the API does.
    /// </summary>
    public async Task<Guid> AddStoryAsync(PersonalizationRequest request, bool start)
    {
        Guid id;
        await using (var db = Db())
        {
            var shop = await db.Shops.SingleAsync(s => s.Domain == DevShop.Domain);
            var story = StoryCreation.NewStory(request, shop.Id, DateTimeOffset.UtcNow);
            db.Stories.Add(story);
            await db.SaveChangesAsync();
            id = story.Id;
        }
        if (start)
            await Services.GetRequiredService<StoryPipeline>().AdvanceAsync(id);
        return id;
    }

    /// <summary>Polls the story row until it leaves Generating (or the time is up).</summary>
    public Task<Story> WaitForStoryAsync(Guid id, TimeSpan timeout) =>
        WaitForStoryAsync(id, s => s.Status is not StoryStatus.Generating, timeout);

    /// <summary>Polls the story row (with its pages) until <paramref name="done"/> holds (or the time is up), and
    /// returns it.</summary>
    public async Task<Story> WaitForStoryAsync(Guid id, Func<Story, bool> done, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            await using var db = Db();
            var story = await db.Stories.AsNoTracking().Include(s => s.Pages).SingleAsync(s => s.Id == id);
            if (done(story) || DateTime.UtcNow > until)
                return story;
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// Waits until every Hangfire job recorded for the story is in a final state (Succeeded, Failed or Deleted) and
    /// returns their states: from then on Hangfire runs none of them again, so "no retry happened" can be asserted
    /// without waiting out a retry delay.
    /// </summary>
    public async Task<IReadOnlyList<string>> WaitForJobsSettledAsync(Guid storyId, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            await using var db = Db();
            var states = await db
                .Database.SqlQuery<string>(
                    $"""
                    SELECT coalesce(j.statename, 'Gone') AS "Value"
                    FROM story_jobs sj JOIN hangfire.job j ON j.id = sj.job_id
                    WHERE sj.story_id = {storyId} ORDER BY sj.job_id
                    """
                )
                .ToListAsync();
            if (states.Count > 0 && states.All(s => s is "Succeeded" or "Failed" or "Deleted"))
                return states;
            if (DateTime.UtcNow > until)
                Assert.Fail($"the story's jobs did not settle: {string.Join(", ", states)}");
            await Task.Delay(100);
        }
    }
}
