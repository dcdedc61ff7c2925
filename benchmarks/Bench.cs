using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Benchmarks;
using StorybookShop.Books;
using StorybookShop.Catalog;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.Offline;
using StorybookShop.Stories;

internal static class Bench
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "webhooks")
            return await WebhookBench.RunAsync(
                Environment.GetEnvironmentVariable("BENCH_PG")!,
                1000,
                TimeSpan.FromSeconds(15)
            );
        if (args.Length > 0 && args[0] == "jobs")
            return await JobsBench.RunAsync(Environment.GetEnvironmentVariable("BENCH_PG")!);
        if (args.Length > 0 && args[0] == "vitals")
            return await VitalsBench.RunAsync(Environment.GetEnvironmentVariable("BENCH_PG")!);
        if (args.Length > 0 && args[0] == "latency")
            return await LatencyBench.RunAsync(Environment.GetEnvironmentVariable("BENCH_PG")!);
        // scripts/bench.sh starts PostgreSQL and runs this with BENCH_PG set to a fresh database.
        var connection = Environment.GetEnvironmentVariable("BENCH_PG")
            ?? throw new InvalidOperationException("Run through scripts/bench.sh (BENCH_PG is not set).");
        var books = int.Parse(Environment.GetEnvironmentVariable("BENCH_BOOKS") ?? "20", CultureInfo.InvariantCulture);
        var assets = Directory.CreateTempSubdirectory("bench-assets-").FullName;
        var inv = CultureInfo.InvariantCulture;

        // Real provider output, made once, served instantly afterwards.
        byte[] jpeg,
            mp3;
        await using (var maker = new Factory(connection, assets, null))
        {
            var sp = maker.Services;
            var brief = Samples.Brief();
            var plan = OfflineStoryWriter.Write(brief);
            jpeg = (
                await sp.GetRequiredKeyedService<IIllustrator>(Providers.Offline)
                    .DrawAsync(
                        new IllustrationRequest(brief, 1, "", plan.Pages[0].Scene, plan.Characters, "", null),
                        default
                    )
            ).Value;
            mp3 = (
                await sp.GetRequiredKeyedService<INarrator>(Providers.Offline)
                    .NarrateAsync(new NarrationRequest(brief, plan.Pages[0].Text, []), default)
            )
                .Value
                .Mp3;
        }

        Console.WriteLine(
            $"StorybookShop benchmark — {Environment.ProcessorCount} cores, providers "
                + $"instant, {InstantWriter.Pages}-page stories, JPEG {jpeg.Length / 1024} KB per picture"
        );
        Console.WriteLine();

        // The same measurements on each browser the node could run (the print-only headless shell first), one after
        // the other: the first one's browser is closed before the next starts.
        var results = new List<BrowserResult>();
        foreach (var browser in StorybookShop.Rendering.ChromiumOptions.Installed.Where(File.Exists))
            results.Add(await MeasureAsync(connection, assets, jpeg, mp3, books, browser));
        Console.WriteLine();
        Console.WriteLine(
            "| browser | CPU per 16-page book (< 0.5 s) | peak PSS, 20 in flight (< 600 MB) | app / browser "
                + "| PDF 32 pages (< 0.5 s) |"
        );
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var r in results)
            Console.WriteLine(
                $"| {Path.GetFileName(r.Browser)} | {r.CpuPerBook:0.00} s (app {r.AppCpuPerBook:0.00}) | "
                    + $"{r.PeakTotalMb:0} MB | {r.PeakAppMb:0} / {r.PeakTotalMb - r.PeakAppMb:0} MB "
                    + $"| {r.PdfMedian:0.00} s |"
            );
        var complete = results.All(r => r.Complete);

        // 4. The default path, measured last (its pictures' native memory would count in the peak above): one book
        // with the real offline providers (writer, Svg.Skia pictures, espeak narration, PDFs), warm.
        await using (var offlineApp = new Factory(connection, assets, null))
        {
            await MakeAsync(offlineApp, 1);
            var offline = Stopwatch.StartNew();
            var book = (await MakeAsync(offlineApp, 1))[0];
            Console.WriteLine(
                $"Offline book end to end, warm: {offline.Elapsed.TotalSeconds:0.00} s wall for {book.Pages.Count} "
                    + $"story pages ({book.Pages.Count + 1} pictures, narration, screen and print "
                    + $"PDFs): {book.Status} (target < 1.5 s for 16 pages)"
            );
        }
        return complete ? 0 : 1;
    }

    private sealed record BrowserResult(
        string Browser,
        double CpuPerBook,
        double AppCpuPerBook,
        double PeakTotalMb,
        double PeakAppMb,
        double PdfMedian,
        bool Complete
    );

    /// <summary>One book alone, twenty in flight (CPU, peak PSS by process) and a warm 32-page PDF, on one
    /// browser.</summary>
    private static async Task<BrowserResult> MeasureAsync(
        string connection,
        string assets,
        byte[] jpeg,
        byte[] mp3,
        int books,
        string browser
    )
    {
        Console.WriteLine($"— on {browser}");
        await using var app = new Factory(
            connection,
            assets,
            services =>
            {
                services.AddKeyedSingleton<IStoryWriter, InstantWriter>(Providers.Offline);
                services.AddKeyedSingleton<IIllustrator>(Providers.Offline, new InstantIllustrator(jpeg));
                services.AddKeyedSingleton<INarrator>(Providers.Offline, new InstantNarrator(mp3));
            },
            new Dictionary<string, string> { ["Chromium:ExecutablePath"] = browser }
        );

        // Warm-up: JIT, Chromium launch, Hangfire, connection pool.
        await MakeBooksAsync(1);

        // 1. One book on its own.
        var before = ProcessTree.Read();
        var sw = Stopwatch.StartNew();
        var single = await MakeBooksAsync(1);
        sw.Stop();
        var after = ProcessTree.Read();
        Console.WriteLine(
            $"One {InstantWriter.Pages}-page book:      wall {sw.Elapsed.TotalSeconds:0.00} s, "
                + $"CPU {after.CpuSeconds - before.CpuSeconds:0.00} s (app + Chromium), {single[0].PageCount} PDF pages"
        );

        // 2. Twenty books in flight at once.
        before = ProcessTree.Read();
        sw.Restart();
        List<Story> made;
        long peakTotal,
            peakApp;
        using (var watcher = new ProcessTree.PeakWatcher())
        {
            made = await MakeBooksAsync(books);
            sw.Stop();
            peakTotal = watcher.PeakTotal;
            peakApp = watcher.PeakApp;
        }
        after = ProcessTree.Read();
        Console.WriteLine("Memory by process after the run (PSS):");
        foreach (var line in ProcessTree.Describe())
            Console.WriteLine(line);
        var cpuPerBook = (after.CpuSeconds - before.CpuSeconds) / books;
        var appCpuPerBook = (after.AppCpuSeconds - before.AppCpuSeconds) / books;
        Console.WriteLine(
            $"{books} books in flight:        wall {sw.Elapsed.TotalSeconds:0.0} s "
                + $"= {books / sw.Elapsed.TotalMinutes:0.0} books/minute, CPU {cpuPerBook:0.00} s per book (target < "
                + $"0.5): app {appCpuPerBook:0.00} s + Chromium {cpuPerBook - appCpuPerBook:0.00} s"
        );
        Console.WriteLine(
            $"Peak memory, {books} in flight: {peakTotal / 1048576.0:0} MB total PSS (app {peakApp / 1048576.0:0} MB "
                + $"+ Chromium and driver {(peakTotal - peakApp) / 1048576.0:0} MB) (target < 600)"
        );
        var gc = GC.GetGCMemoryInfo();
        Console.WriteLine(
            $"  of the app: managed heap {gc.HeapSizeBytes / 1048576.0:0} MB, "
                + $"committed {gc.TotalCommittedBytes / 1048576.0:0} MB, "
                + $"GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}"
        );
        Console.WriteLine(
            $"All complete: {made.All(s => s.Status == StoryStatus.Complete)}; mean generation "
                + $"time {made.Average(s => s.GenerationTimeMs ?? 0) / 1000:0.0} s"
        );

        // 3. PDF render, 32 pages, warm browser.
        var renderer = app.Services.GetRequiredService<BookRenderer>();
        var sample = made[0];
        var pages13 = sample.Pages.OrderBy(p => p.Number).Take(13).ToList(); // 3 + 2x13 + 3 = 32 pages
        var dir = Directory.CreateTempSubdirectory("bench-pdf-");
        await File.WriteAllBytesAsync(Path.Combine(dir.FullName, "cover.jpg"), jpeg);
        for (var i = 1; i <= 13; i++)
            await File.WriteAllBytesAsync(Path.Combine(dir.FullName, $"p{i}.jpg"), jpeg);
        var html = Path.Combine(dir.FullName, "book.html");
        await File.WriteAllTextAsync(
            html,
            await BookLayout.HtmlAsync(
                app.Services.GetRequiredService<StorybookShop.Hosting.ComponentHtml>(),
                sample,
                pages13,
                new BookLayout.Images("cover.jpg", Enumerable.Range(1, 13).Select(i => $"p{i}.jpg").ToList()),
                BookFormat.Screen
            )
        );
        var times = new List<double>();
        byte[] pdf = [];
        for (var i = 0; i < 6; i++)
        {
            var t = Stopwatch.StartNew();
            pdf = await renderer.RenderAsync(html, BookFormat.Screen, default);
            times.Add(t.Elapsed.TotalSeconds);
        }
        times.RemoveAt(0);
        times.Sort();
        Console.WriteLine(
            $"PDF render, {BookLayout.PageCount(13)} pages, warm:  median {times[times.Count / 2]:0.00} s, "
                + $"best {times[0]:0.00} s, {pdf.Length / 1024} KB (target < 0.5 s)"
        );

        return new BrowserResult(
            browser,
            cpuPerBook,
            appCpuPerBook,
            peakTotal / 1048576.0,
            peakApp / 1048576.0,
            times[times.Count / 2],
            made.All(s => s.Status == StoryStatus.Complete)
        );

        Task<List<Story>> MakeBooksAsync(int count) => MakeAsync(app, count);
    }

    /// <summary>Makes <paramref name="count"/> books at once through the app's pipeline and waits for all of
    /// them.</summary>
    private static async Task<List<Story>> MakeAsync(Factory app, int count)
    {
        var pipeline = app.Services.GetRequiredService<StoryPipeline>();
        var contexts = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var ids = new List<Guid>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var shop = await db.Shops.SingleAsync(s => s.Domain == DevShop.Domain);
            for (var i = 0; i < count; i++)
            {
                var story = StoryCreation.NewStory(
                    new PersonalizationRequest(
                        "Mia",
                        "7-9",
                        StoryCatalog.Genres[i % StoryCatalog.Genres.Count],
                        "en",
                        null,
                        null
                    ),
                    shop.Id,
                    DateTimeOffset.UtcNow
                );
                db.Stories.Add(story);
                ids.Add(story.Id);
            }
            await db.SaveChangesAsync();
        }
        foreach (var id in ids)
            await pipeline.AdvanceAsync(id);
        while (true)
        {
            await using (var poll = await contexts.CreateDbContextAsync())
                if (!await poll.Stories.AnyAsync(s => ids.Contains(s.Id) && s.Status == StoryStatus.Generating))
                    break;
            await Task.Delay(50);
        }
        await using var done = await contexts.CreateDbContextAsync();
        return await done.Stories.AsNoTracking().Include(s => s.Pages).Where(s => ids.Contains(s.Id)).ToListAsync();
    }
}

internal sealed class Factory(
    string connection,
    string assets,
    Action<IServiceCollection>? services,
    IDictionary<string, string>? settings = null
) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Default", connection);
        builder.UseSetting("Storage:Local:Root", assets);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Pipeline:WorkerThreads", "16");
        builder.UseSetting("Generation:IllustrationConcurrency", "4");
        builder.UseSetting("Generation:NarrationConcurrency", "4");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            builder.UseSetting(key, value);
        if (services is not null)
            builder.ConfigureTestServices(services);
    }
}
