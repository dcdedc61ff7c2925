using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Storage;
using StorybookShop.Stories;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Generation;

/// <summary>Stages skip what exists: a re-run after completion, or after losing one picture, does only what is
/// missing.</summary>
public sealed class StageIdempotencyTests
{
    private AppFactory _app = null!;
    private Guid _id;
    private Story _story = null!;

    [SetUp]
    public async Task MakeABook()
    {
        _app = new AppFactory(await TestServices.CreateDatabaseAsync("idem"));
        _id = await _app.AddStoryAsync(
            new PersonalizationRequest("Yusuf", "0-3", "adventure", "en", null, null),
            start: true
        );
        _story = await _app.WaitForStoryAsync(_id, TimeSpan.FromMinutes(2));
        Assert.That(_story.Status, Is.EqualTo(StoryStatus.Complete), _story.FailureReason);
    }

    [TearDown]
    public async Task Stop() => await _app.DisposeAsync();

    [Test]
    public async Task Rerunning_every_stage_of_a_finished_story_calls_no_provider()
    {
        await using (var db = _app.Db())
            await db
                .Stories.Where(s => s.Id == _id)
                .ExecuteUpdateAsync(u =>
                    u.SetProperty(s => s.StagesDone, PipelineStages.None)
                        .SetProperty(s => s.Status, StoryStatus.Generating)
                );
        // Text is the one stage whose output is the row itself: mark it done and re-run the rest from scratch.
        await using (var db = _app.Db())
            await db
                .Stories.Where(s => s.Id == _id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.StagesDone, PipelineStages.Text));
        var before = await LedgerCount();

        foreach (var stage in _app.Services.GetServices<IPipelineStage>().Where(s => s.Stage != PipelineStages.Text))
            await stage.RunAsync(await LoadAsync(), CancellationToken.None);

        Assert.That(await LedgerCount(), Is.EqualTo(before), "every output already existed");
        var story = await _app.WaitForStoryAsync(_id, TimeSpan.Zero);
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete));
        Assert.That(story.StagesDone, Is.EqualTo(PipelineStages.All));
    }

    [Test]
    public async Task A_stage_job_that_runs_before_its_dependencies_are_done_does_nothing()
    {
        // As a stage requeued by hand from the dashboard can, while its story was restarted.
        await using (var db = _app.Db())
            await db
                .Stories.Where(s => s.Id == _id)
                .ExecuteUpdateAsync(u =>
                    u.SetProperty(s => s.StagesDone, PipelineStages.Text | PipelineStages.Illustrations)
                        .SetProperty(s => s.Status, StoryStatus.Generating)
                        .SetProperty(s => s.PdfUrl, (string?)null)
                );
        var before = await LedgerCount();
        var job = ActivatorUtilities.CreateInstance<StoryStageJob>(_app.Services);
        await job.RunAsync(_id, PipelineStages.Book, CancellationToken.None);

        var story = await _app.WaitForStoryAsync(_id, TimeSpan.Zero);
        Assert.That(story.StagesDone.HasFlag(PipelineStages.Book), Is.False, "the book waits for its narration");
        Assert.That(story.PdfUrl, Is.Null);
        Assert.That(await LedgerCount(), Is.EqualTo(before), "nothing was rendered");
    }

    [Test]
    public async Task A_lost_picture_is_redrawn_and_only_that_picture()
    {
        var store = _app.Services.GetRequiredService<IAssetStore>();
        var page = _story.Pages.Single(p => p.Number == 3);
        // The pipeline makes no thumbnails; the admin's first view of the story does.
        var thumb = Thumbnails.KeyFor(page.ImageKey!);
        Assert.That(await store.ExistsAsync(thumb), Is.False);
        Assert.That(
            await Thumbnails.EnsureAsync(store, [page.ImageKey!, _story.CoverImage!], CancellationToken.None),
            Is.EquivalentTo(new[] { page.ImageKey!, _story.CoverImage! })
        );
        Assert.That(await store.ExistsAsync(thumb), Is.True);
        await store.DeletePrefixAsync(page.ImageKey!);
        await using (var db = _app.Db())
        {
            await db
                .StoryPages.Where(p => p.Id == page.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.ImageStage, AssetStage.Pending));
            await db
                .Stories.Where(s => s.Id == _id)
                .ExecuteUpdateAsync(u =>
                    u.SetProperty(s => s.StagesDone, PipelineStages.Text | PipelineStages.Narration)
                );
        }
        var before = await LedgerCount();

        await _app
            .Services.GetServices<IPipelineStage>()
            .Single(s => s.Stage == PipelineStages.Illustrations)
            .RunAsync(await LoadAsync(), CancellationToken.None);

        await using var check = _app.Db();
        var added = await check
            .Generations.Where(g => g.StoryId == _id)
            .OrderByDescending(g => g.CreatedAt)
            .Take(await LedgerCount() - before)
            .ToListAsync();
        Assert.That(added.Select(g => (g.Type, g.PageNumber)), Is.EqualTo(new[] { (GenerationType.Image, (int?)3) }));
        Assert.That(await store.ExistsAsync(page.ImageKey!));
        // The redrawn picture's old thumbnail went with it; the next view makes one of the new picture.
        Assert.That(await store.ExistsAsync(thumb), Is.False, "no stale thumbnail of the old picture");
        Assert.That(
            await Thumbnails.EnsureAsync(store, [page.ImageKey!], CancellationToken.None),
            Does.Contain(page.ImageKey!)
        );
        using var made = SkiaSharp.SKBitmap.Decode(await store.GetAsync(thumb));
        Assert.That(made.Width, Is.EqualTo(Thumbnails.Size));
    }

    private async Task<int> LedgerCount()
    {
        await using var db = _app.Db();
        return await db.Generations.CountAsync(g => g.StoryId == _id);
    }

    /// <summary>The story as its job hands it to a stage.</summary>
    private async Task<Story> LoadAsync()
    {
        await using var db = _app.Db();
        return await db.LoadAsync(_id, CancellationToken.None);
    }
}
