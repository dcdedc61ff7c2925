using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Generation;

public sealed class CrashRecoveryTests
{
    [Test]
    public async Task A_worker_killed_in_the_middle_of_drawing_pictures_does_not_lose_the_book()
    {
        var connection = await TestServices.CreateDatabaseAsync("crash");
        var assets = TestServices.TempDirectory("crash-assets");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = connection,
            ["Storage:Local:Root"] = assets,
            ["Pipeline:InvisibilityTimeout"] = "00:00:10",
            ["Generation:SimulatedImageLatency"] = "00:00:00.400",
            ["Generation:Offline:Illustrations:SizePx"] = "512",
        };
        var doomed = await NodeProcess.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = doomed.BaseAddress };
        var response = await http.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = "Theo",
                ageGroup = "5-7",
                genre = "adventure",
            }
        );
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // Wait until the illustrations stage is under way, then pull the plug.
        await using var observer = new AppFactory(
            connection,
            new Dictionary<string, string?> { ["Storage:Local:Root"] = assets, ["Pipeline:Roles"] = "web" }
        );
        var until = DateTime.UtcNow.AddSeconds(60);
        int drawn;
        do
        {
            await Task.Delay(100);
            await using var db = observer.Db();
            drawn = await db.StoryPages.CountAsync(p => p.StoryId == id && p.ImageStage == AssetStage.Done);
        } while (drawn < 3 && DateTime.UtcNow < until);
        doomed.Kill();
        var atKill = await observer.WaitForStoryAsync(id, TimeSpan.Zero);
        Assert.That(atKill.Status, Is.EqualTo(StoryStatus.Generating));
        Assert.That(atKill.StagesDone.HasFlag(PipelineStages.Illustrations), Is.False, "killed mid-stage");

        // A second node takes the dead node's job once its invisibility timeout (no longer extended) runs out.
        await using var survivor = await NodeProcess.StartAsync(settings);
        var story = await observer.WaitForStoryAsync(id, TimeSpan.FromMinutes(2));

        Assert.That(
            story.Status,
            Is.EqualTo(StoryStatus.Complete),
            story.FailureReason + "\n" + string.Join('\n', survivor.Output.TakeLast(40))
        );
        Assert.That(story.Pages.All(p => p.ImageStage == AssetStage.Done && p.AudioStage == AssetStage.Done));
        await using var check = observer.Db();
        var drawings = await check.Generations.CountAsync(g =>
            g.StoryId == id && g.Type == GenerationType.Image && g.Error == null
        );
        // Pictures finished before the crash are not drawn again; at most the ones in flight are.
        Assert.That(drawings, Is.LessThanOrEqualTo(story.Pages.Count + 1 + 2));
        Assert.That(File.Exists(Path.Combine(assets, story.PdfUrl!.Replace('/', Path.DirectorySeparatorChar))));
    }
}
