using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Storage;
using StorybookShop.Stories;

namespace StorybookShop.Samples;

/// <summary>Makes one book through the same path a shopper's order takes, then prints where it is.</summary>
public sealed partial class SampleBookMaker(
    IServiceProvider services,
    IOptions<SampleBookOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<SampleBookMaker> logger
) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await WaitForStartAsync(stoppingToken);
        var o = options.Value;
        var request = new PersonalizationRequest(
            o.ChildName,
            o.AgeGroup,
            o.Genre,
            o.Language,
            o.Moral,
            (o.Companions ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(c => c.Split(':'))
                .Select(p => new CompanionRequest(p[0], p.Length > 1 ? p[1] : "dog"))
                .ToList()
        );
        await using var scope = services.CreateAsyncScope();
        var validation = await scope
            .ServiceProvider.GetRequiredService<FluentValidation.IValidator<PersonalizationRequest>>()
            .ValidateAsync(request, stoppingToken);
        if (!validation.IsValid)
        {
            foreach (var e in validation.Errors)
                await Console.Error.WriteLineAsync($"  {e.PropertyName}: {e.ErrorMessage}");
            Environment.ExitCode = 2;
            lifetime.StopApplication();
            return;
        }

        var contexts = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var clock = services.GetRequiredService<TimeProvider>();
        var shopDb = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var shop = await shopDb.Shops.SingleAsync(s => s.Domain == DevShop.Domain, stoppingToken);
        shop.Settings = shop.Settings with { ColouringPages = o.Colouring ? true : null };
        await shopDb.SaveChangesAsync(stoppingToken);
        // The same create flow as a shopper's order (moderation, budget, commit, pipeline).
        var outcome = await scope
            .ServiceProvider.GetRequiredService<StoryCreation>()
            .CreateAsync(request, shop, shape: null, stoppingToken);
        if (outcome is not StoryCreation.Created { Story: var story })
        {
            await Console.Error.WriteLineAsync("The sample book was refused:");
            if (outcome is StoryCreation.Flagged flagged)
                foreach (var (field, messages) in flagged.Fields)
                    await Console.Error.WriteLineAsync($"  {field}: {string.Join(" ", messages)}");
            else
                await Console.Error.WriteLineAsync("  the dev shop's monthly budget is spent.");
            Environment.ExitCode = 2;
            lifetime.StopApplication();
            return;
        }
        await Console.Out.WriteLineAsync(
            $"Making a book for {o.ChildName}: theme {o.Genre}, ages {o.AgeGroup}, language {o.Language}; story "
                + $"{story.Id}"
        );

        var deadline = clock.GetUtcNow() + o.Timeout;
        var lastPercent = -1;
        while (!stoppingToken.IsCancellationRequested)
        {
            await using var db = await contexts.CreateDbContextAsync(stoppingToken);
            var s = await db
                .Stories.AsNoTracking()
                .Include(x => x.Pages)
                .SingleAsync(x => x.Id == story.Id, stoppingToken);
            var percent = StoryApi.Percent(
                s.StagesDone,
                s.Pages.Count,
                s.Pages.Count(p => p.ImageStage == AssetStage.Done),
                s.Pages.Count(p => p.AudioStage == AssetStage.Done)
            );
            if (percent != lastPercent)
                await Console.Out.WriteLineAsync($"  {percent, 3}% {StoryApi.CurrentStage(s.Status, s.StagesDone)}");
            lastPercent = percent;
            if (s.Status is StoryStatus.Complete or StoryStatus.Error || clock.GetUtcNow() > deadline)
            {
                await ReportAsync(s);
                break;
            }
            await Task.Delay(500, stoppingToken);
        }
        if (o.ExitWhenDone)
            lifetime.StopApplication();
    }

    private async Task ReportAsync(Story s)
    {
        if (s.Status != StoryStatus.Complete)
        {
            await Console.Error.WriteLineAsync($"The book was not finished: {s.Status} {s.FailureReason}");
            Environment.ExitCode = 1;
            return;
        }
        var local = services.GetService<LocalAssetStore>();
        string Where(string key) =>
            local is not null
                ? local.PathFor(key)
                : services.GetRequiredService<IAssetStore>().GetUrl(key, TimeSpan.FromHours(1)).ToString();
        var baseUrl = AppUrl();
        await Console.Out.WriteLineAsync();
        await Console.Out.WriteLineAsync(
            $"\"{s.Title}\" is ready: {s.PageCount} pages, {s.WordCount} words, made in "
                + $"{s.GenerationTimeMs / 1000.0:0.0} s."
        );
        await Console.Out.WriteLineAsync($"  PDF (screen):  {Where(s.PdfUrl!)}");
        await Console.Out.WriteLineAsync($"  PDF (print):   {Where(s.PrintPdfKey!)}");
        await Console.Out.WriteLineAsync($"  Audio (book):  {Where(s.AudioFiles[^1])}");
        await Console.Out.WriteLineAsync($"  Cover image:   {Where(s.CoverImage!)}");
        await Console.Out.WriteLineAsync($"  Page images:   {Path.GetDirectoryName(Where(s.Images[0]))}");
        if (s.EpubKey is not null)
            await Console.Out.WriteLineAsync($"  Read-along EPUB: {Where(s.EpubKey)}");
        if (s.ColouringPdfKey is not null)
            await Console.Out.WriteLineAsync($"  Colouring book: {Where(s.ColouringPdfKey)}");
        await PreflightAsync(s, Where);
        if (options.Value.ExitWhenDone)
            return; // the app stops now: no links to it
        await Console.Out.WriteLineAsync($"  Story API:     {baseUrl}/api/stories/{s.Id}");
        // The read-along reader: "Read to me" plays the narration and lights each word as it is spoken.
        await Console.Out.WriteLineAsync(
            $"  Reader:        {baseUrl}/stories/{s.Id}/read   <- open it and press \"Read to me\""
        );
        await Console.Out.WriteLineAsync($"  App:           {baseUrl}");
        Log.SampleBookComplete(logger, s.Id);
    }

    /// <summary>The print package and its preflight's verdict, with what to do about each failed check.</summary>
    private async Task PreflightAsync(Story s, Func<string, string> where)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var story = await db.Stories.AsNoTracking().Include(x => x.Shop).SingleAsync(x => x.Id == s.Id);
        var report = await scope.ServiceProvider.GetRequiredService<Books.PrintPackage>().BuildAsync(story, default);
        await Console.Out.WriteLineAsync($"  Print package: {where(AssetKeys.PrintPackage(s.ShopId, s.Id))}");
        await Console.Out.WriteLineAsync(
            report.Passed
                ? $"  Preflight:     passed, {report.Checks.Count} checks (pictures at 300 DPI, trim, bleed, safe zone)"
                : "  Preflight:     needs attention before print"
        );
        foreach (var c in report.Checks.Where(c => !c.Passed))
            await Console.Out.WriteLineAsync($"    {c.Name}: {c.Measured}. {c.Fix}");
    }

    private string AppUrl()
    {
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        return addresses?.FirstOrDefault()?.TrimEnd('/') ?? "(no HTTP address)";
    }

    private Task WaitForStartAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource();
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(ct);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Sample book {StoryId} complete")]
        public static partial void SampleBookComplete(ILogger logger, Guid storyId);
    }
}
