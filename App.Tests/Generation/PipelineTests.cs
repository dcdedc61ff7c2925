using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Stories;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Generation;

public sealed class PipelineTests
{
    [Test]
    public async Task The_reconciler_schedules_a_generating_story_that_has_no_jobs_and_it_completes()
    {
        // A web-only node: its scheduler stays in standby, so only this test reconciles (a worker's own
        // reconciler fires at start-up and would race the assertions below).
        var connection = await TestServices.CreateDatabaseAsync("reconcile");
        await using var app = new AppFactory(connection, new Dictionary<string, string?> { ["Pipeline:Roles"] = "web" });
        // A story committed as Generating whose scheduling never happened (the node died in between).
        var id = await app.AddStoryAsync(new PersonalizationRequest("Noor", "0-3", "ocean", "en", null, null), start: false);
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        Assert.That(await scheduler.GetTriggerState(StoryPipeline.TriggerKeyFor(id, PipelineStages.Text)), Is.EqualTo(TriggerState.None));

        var scheduled = await PipelineReconcilerJob.ReconcileAsync(app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>(), app.Services.GetRequiredService<StoryPipeline>(), CancellationToken.None);
        var again = await PipelineReconcilerJob.ReconcileAsync(app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>(), app.Services.GetRequiredService<StoryPipeline>(), CancellationToken.None);

        Assert.That(scheduled, Is.EqualTo(3), "text now, illustrations and narration as its continuations");
        Assert.That(again, Is.Zero, "live triggers are left alone");
        await using var worker = await NodeProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = connection, ["Storage:Local:Root"] = app.AssetRoot, ["Generation:Offline:Illustrations:SizePx"] = "512",
        });
        var done = await app.WaitForStoryAsync(id, TimeSpan.FromMinutes(2));
        Assert.That(done.Status, Is.EqualTo(StoryStatus.Complete), done.FailureReason);
    }

    [Test]
    public async Task A_stage_that_keeps_failing_is_retried_then_puts_the_story_in_Error_with_the_reason()
    {
        // A real failure, not a mock: the MP3 encoder is not where the settings say.
        await using var app = new AppFactory(await TestServices.CreateDatabaseAsync("failing"), new Dictionary<string, string?>
        {
            ["Generation:Offline:Narration:LamePath"] = "/nonexistent/lame",
        });
        using var http = app.CreateClient();
        var response = await http.PostAsJsonAsync("/api/stories", new { childName = "Ivo", ageGroup = "0-3", genre = "space" });
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var story = await app.WaitForStoryAsync(id, TimeSpan.FromMinutes(2));

        Assert.That(story.Status, Is.EqualTo(StoryStatus.Error));
        Assert.That(story.FailureReason, Does.StartWith("Narration failed after 3 attempt(s)"));
        Assert.That(story.StagesDone.HasFlag(PipelineStages.Book), Is.False);
        await using var db = app.Db();
        var failed = await db.Generations.Where(g => g.StoryId == id && g.Type == GenerationType.Audio && g.Error != null).CountAsync();
        Assert.That(failed, Is.GreaterThanOrEqualTo(3), "every failed call is in the ledger with its error");
        var status = await http.GetFromJsonAsync<JsonElement>($"/api/stories/{id}/status");
        Assert.That(status.GetProperty("status").GetString(), Is.EqualTo("Error"));
        Assert.That(status.GetProperty("error").GetString(), Does.Contain("Narration"));
    }

    [Test]
    public async Task A_story_accepted_by_a_web_only_node_is_made_by_a_separate_worker_node()
    {
        var connection = await TestServices.CreateDatabaseAsync("nodes");
        await using var web = new AppFactory(connection, new Dictionary<string, string?> { ["Pipeline:Roles"] = "web" });
        using var http = web.CreateClient();
        var response = await http.PostAsJsonAsync("/api/stories", new { childName = "Lena", ageGroup = "0-3", genre = "fairytale", language = "es" });
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Task.Delay(1500);
        Assert.That((await web.WaitForStoryAsync(id, TimeSpan.Zero)).StagesDone, Is.EqualTo(PipelineStages.None), "the web-only node runs nothing");

        await using var worker = await NodeProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = connection,
            ["Storage:Local:Root"] = web.AssetRoot,
            ["Generation:Offline:Illustrations:SizePx"] = "512",
        });
        var story = await web.WaitForStoryAsync(id, TimeSpan.FromMinutes(2));

        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason + string.Join('\n', worker.Output.TakeLast(30)));
        Assert.That(story.Pages[0].Text, Does.Contain("Lena"));
    }
}
