using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.Offline;
using StorybookShop.Stories;

namespace StorybookShop.Benchmarks;

/// <summary>
/// One 16-page book with simulated provider latencies (text 10 s, each picture 15 s with 4 picture slots,
/// narration 2 s per page, pages spoken in order as ElevenLabs continuity needs), timed end to end and set
/// against its critical-path bound: text, then the pictures in rounds of four (the cover is the 17th picture),
/// with the narration running beside them.
/// </summary>
internal static class LatencyBench
{
    public static async Task<int> RunAsync(string connection)
    {
        var text = TimeSpan.FromSeconds(
            double.Parse(
                Environment.GetEnvironmentVariable("BENCH_TEXT_S") ?? "10",
                System.Globalization.CultureInfo.InvariantCulture
            )
        );
        var image = TimeSpan.FromSeconds(
            double.Parse(
                Environment.GetEnvironmentVariable("BENCH_IMAGE_S") ?? "15",
                System.Globalization.CultureInfo.InvariantCulture
            )
        );
        var audio = TimeSpan.FromSeconds(
            double.Parse(
                Environment.GetEnvironmentVariable("BENCH_AUDIO_S") ?? "2",
                System.Globalization.CultureInfo.InvariantCulture
            )
        );
        const int slots = 4;
        var assets = Directory.CreateTempSubdirectory("bench-latency-").FullName;
        byte[] jpeg,
            mp3;
        await using (var maker = new Factory(connection, assets, null))
        {
            var brief = Samples.Brief();
            var plan = OfflineStoryWriter.Write(brief);
            jpeg = (
                await maker
                    .Services.GetServices<IIllustrator>()
                    .First(i => i.Provider == "offline")
                    .DrawAsync(
                        new IllustrationRequest(brief, 1, "", plan.Pages[0].Scene, plan.Characters, "", null),
                        default
                    )
            ).Value;
            mp3 = (
                await maker
                    .Services.GetServices<INarrator>()
                    .First(n => n.Provider == "offline")
                    .NarrateAsync(new NarrationRequest(brief, plan.Pages[0].Text, []), default)
            )
                .Value
                .Mp3;
        }
        var settings = new Dictionary<string, string>
        {
            ["Generation:SimulatedTextLatency"] = text.ToString(),
            ["Generation:SimulatedImageLatency"] = image.ToString(),
            ["Generation:SimulatedAudioLatency"] = audio.ToString(),
            ["Generation:IllustrationConcurrency"] = slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Generation:ShopImageConcurrency"] = slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        await using var app = new Factory(
            connection,
            assets,
            services =>
            {
                services.AddKeyedSingleton<IStoryWriter, InstantWriter>(Providers.Offline);
                services.AddKeyedSingleton<IIllustrator>(Providers.Offline, new InstantIllustrator(jpeg));
                services.AddKeyedSingleton<INarrator>(Providers.Offline, new InstantNarrator(mp3, continuity: true));
            },
            settings
        );
        var contexts = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var pipeline = app.Services.GetRequiredService<StoryPipeline>();

        Guid id;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var shop = await db.Shops.SingleAsync(s => s.Domain == DevShop.Domain);
            var story = StoryCreation.NewStory(
                new PersonalizationRequest("Mia", "7-9", "space", "en", null, null),
                shop.Id,
                DateTimeOffset.UtcNow
            );
            db.Stories.Add(story);
            await db.SaveChangesAsync();
            id = story.Id;
        }
        var sw = Stopwatch.StartNew();
        await pipeline.AdvanceAsync(id);
        Story done;
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync();
            done = await db.Stories.AsNoTracking().Include(s => s.Pages).SingleAsync(s => s.Id == id);
            if (done.Status != StoryStatus.Generating)
                break;
            await Task.Delay(100);
        }
        sw.Stop();

        List<(GenerationType Type, int? Page, DateTimeOffset At, int Ms)> calls;
        await using (var db = await contexts.CreateDbContextAsync())
            calls = (
                await db
                    .Generations.AsNoTracking()
                    .Where(g => g.StoryId == id)
                    .Select(g => new
                    {
                        g.Type,
                        g.PageNumber,
                        g.CreatedAt,
                        g.DurationMs,
                    })
                    .ToListAsync()
            ).Select(g => (g.Type, g.PageNumber, g.CreatedAt, g.DurationMs)).ToList();
        var pages = done.Pages.Count;
        var pictures = pages + 1;
        var rounds = (pictures + slots - 1) / slots;
        var imagesPath = rounds * image.TotalSeconds;
        var narrationPath = pages * audio.TotalSeconds;
        var bound = text.TotalSeconds + Math.Max(imagesPath, narrationPath);
        var sequential = text.TotalSeconds + pages * image.TotalSeconds + pages * audio.TotalSeconds;
        var pdf = calls.Where(c => c.Type == GenerationType.Pdf).Sum(c => c.Ms) / 1000.0;
        var wall = sw.Elapsed.TotalSeconds;
        Console.WriteLine(
            $"Latency benchmark — {Environment.ProcessorCount} cores; simulated text {text.TotalSeconds:0} s, "
                + $"picture {image.TotalSeconds:0} s ({slots} slots), narration {audio.TotalSeconds:0} s/page in "
                + $"page order; {pages} pages + cover"
        );
        Console.WriteLine(
            $"  status {done.Status}; {calls.Count(c => c.Type == GenerationType.Image)} "
                + $"pictures, {calls.Count(c => c.Type == GenerationType.Audio)} narrations, PDF layout {pdf:0.0} s"
        );
        Console.WriteLine(
            $"  critical-path bound: text {text.TotalSeconds:0} s + max(pictures {rounds} rounds "
                + $"x {image.TotalSeconds:0} s = {imagesPath:0} s, narration {narrationPath:0} s) = {bound:0} s"
        );
        Console.WriteLine(
            $"  book wall time: {wall:0.0} s = {wall / bound:0.000} x bound (target <= 1.15); "
                + $"one-stage-after-another design: {sequential:0} s"
        );
        return done.Status == StoryStatus.Complete ? 0 : 1;
    }
}
