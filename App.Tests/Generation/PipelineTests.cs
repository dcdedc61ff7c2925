using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Jobs;
using StorybookShop.Stories;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Generation;

public sealed class PipelineTests
{
    [Test]
    public async Task The_reconciler_enqueues_a_generating_story_that_has_no_jobs_and_it_completes()
    {
        // A web-only node runs no jobs and no recurring reconciler: only this test reconciles.
        var connection = await TestServices.CreateDatabaseAsync("reconcile");
        await using var app = new AppFactory(
            connection,
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web" }
        );
        // A story committed as Generating whose enqueue never happened.
        var id = await app.AddStoryAsync(
            new PersonalizationRequest("Noor", "0-3", "ocean", "en", null, null),
            start: false
        );
        Assert.That(await JobStates(app, id), Is.Empty);

        var reconciler = ActivatorUtilities.CreateInstance<PipelineReconcilerJob>(app.Services);
        var enqueued = await reconciler.RunAsync(CancellationToken.None);
        var again = await reconciler.RunAsync(CancellationToken.None);

        Assert.That(enqueued, Is.EqualTo(1), "text now; the rest once it is done");
        Assert.That(again, Is.Zero, "a live job is left alone");
        Assert.That(await JobStates(app, id), Is.EqualTo(new[] { "Text Enqueued" }));
        await using var worker = await NodeProcess.StartAsync(
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:Default"] = connection,
                ["Storage:Local:Root"] = app.AssetRoot,
                ["Generation:Offline:Illustrations:SizePx"] = "512",
            }
        );
        var done = await app.WaitForStoryAsync(id, TimeSpan.FromMinutes(2));
        Assert.That(done.Status, Is.EqualTo(StoryStatus.Complete), done.FailureReason);
        // (The book's job may still be finishing: the story is Complete before Hangfire marks the job Succeeded.)
        Assert.That(
            (await JobStates(app, id)).Select(s => s.Split(' ')[0]),
            Is.EquivalentTo(new[] { "Text", "Illustrations", "Narration", "Book" }),
            "one job per stage, the book enqueued once by whichever of pictures and narration finished last"
        );
    }

    [Test]
    public async Task A_crash_between_enqueue_and_commit_leaves_nothing_half_made()
    {
        var connection = await TestServices.CreateDatabaseAsync("torn");
        await using var app = new AppFactory(
            connection,
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web" }
        );
        var id = await app.AddStoryAsync(
            new PersonalizationRequest("Rui", "0-3", "space", "en", null, null),
            start: false
        );
        var jobs = app.Services.GetRequiredService<StoryJobs>();
        // The process dies after Hangfire wrote its job and before the transaction committed: the connection drops,
        // PostgreSQL rolls the transaction back.
        jobs.AfterEnqueue = () => throw new IOException("connection lost");
        await Assert.ThrowsAsync<IOException>(async () =>
            await app.Services.GetRequiredService<StoryPipeline>().AdvanceAsync(id)
        );
        jobs.AfterEnqueue = null;

        await using (var conn = new Npgsql.NpgsqlConnection(connection))
        {
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand(
                "SELECT (SELECT count(*) FROM hangfire.job) + (SELECT count(*) FROM hangfire.jobqueue) + (SELECT "
                    + "count(*) FROM story_jobs)",
                conn
            );
            Assert.That(await cmd.ExecuteScalarAsync(), Is.EqualTo(0L), "no job, no queue entry, no record");
        }
        Assert.That(
            await app.Services.GetRequiredService<StoryPipeline>().AdvanceAsync(id),
            Is.EqualTo(1),
            "the story is enqueued as if nothing happened"
        );
        Assert.That(await JobStates(app, id), Is.EqualTo(new[] { "Text Enqueued" }));
    }

    private static async Task<List<string>> JobStates(AppFactory app, Guid storyId)
    {
        await using var db = app.Db();
        var conn = db.Database.GetDbConnection();
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText =
            $"SELECT sj.kind || ' ' || j.statename FROM story_jobs sj JOIN hangfire.job j ON j.id = sj.job_id WHERE "
            + $"sj.story_id = '{storyId}' ORDER BY sj.job_id";
        var states = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            states.Add(reader.GetString(0));
        return states;
    }

    [Test]
    public async Task A_stage_that_keeps_failing_is_retried_then_puts_the_story_in_Error_with_the_reason()
    {
        // A real failure, not a mock: the MP3 encoder is not where the settings say.
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("failing"),
            new Dictionary<string, string?> { ["Generation:Offline:Narration:LamePath"] = "/nonexistent/lame" }
        );
        using var http = app.CreateClient();
        var response = await http.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = "Ivo",
                ageGroup = "0-3",
                genre = "space",
            }
        );
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var story = await app.WaitForStoryAsync(id, TimeSpan.FromMinutes(2));

        Assert.That(story.Status, Is.EqualTo(StoryStatus.Error));
        Assert.That(story.FailureReason, Does.StartWith("Narration failed after 3 attempt(s)"));
        Assert.That(story.StagesDone.HasFlag(PipelineStages.Book), Is.False);
        await using var db = app.Db();
        var failed = await db
            .Generations.Where(g => g.StoryId == id && g.Type == GenerationType.Audio && g.Error != null)
            .CountAsync();
        Assert.That(failed, Is.GreaterThanOrEqualTo(3), "every failed call is in the ledger with its error");
        var status = await http.GetFromJsonAsync<JsonElement>($"/api/stories/{id}/status");
        Assert.That(status.GetProperty("status").GetString(), Is.EqualTo("Error"));
        Assert.That(status.GetProperty("error").GetString(), Does.Contain("Narration"));
    }

    [Test]
    public async Task A_story_accepted_by_a_web_only_node_is_made_by_a_separate_worker_node()
    {
        var connection = await TestServices.CreateDatabaseAsync("nodes");
        await using var web = new AppFactory(
            connection,
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web" }
        );
        using var http = web.CreateClient();
        var response = await http.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = "Lena",
                ageGroup = "0-3",
                genre = "fairytale",
                language = "es",
            }
        );
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.That(
            await JobStates(web, id),
            Is.EqualTo(new[] { "Text Enqueued" }),
            "the web-only node enqueued the text and runs nothing"
        );

        await using var worker = await NodeProcess.StartAsync(
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:Default"] = connection,
                ["Storage:Local:Root"] = web.AssetRoot,
                ["Generation:Offline:Illustrations:SizePx"] = "512",
            }
        );
        var story = await web.WaitForStoryAsync(id, TimeSpan.FromMinutes(2));

        Assert.That(
            story.Status,
            Is.EqualTo(StoryStatus.Complete),
            story.FailureReason + string.Join('\n', worker.Output.TakeLast(30))
        );
        Assert.That(story.Pages[0].Text, Does.Contain("Lena"));
    }
}
