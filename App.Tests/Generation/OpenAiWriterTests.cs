using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Generation;

/// <summary>The OpenAI story writer through the real pipeline, against a fake OpenAI that speaks the wire
/// format.</summary>
public sealed class OpenAiWriterTests
{
    private FakeOpenAI _openai = null!;
    private AppFactory _app = null!;
    private HttpClient _http = null!;

    [SetUp]
    public async Task Start()
    {
        _openai = await FakeOpenAI.StartAsync();
        _app = new AppFactory(
            await TestServices.CreateDatabaseAsync("openai"),
            new Dictionary<string, string?>
            {
                ["Generation:TextProvider"] = "openai",
                ["OpenAI:Endpoint"] = _openai.Endpoint,
                ["OpenAI:ApiKey"] = "sk-test-key",
                ["OpenAI:TextModel"] = "gpt-test-mini",
                ["Generation:ModerationProvider"] = "openai",
                ["OpenAI:TextPrices:gpt-test-mini:InputPerMillion"] = "0.25",
                ["OpenAI:TextPrices:gpt-test-mini:OutputPerMillion"] = "2.00",
            }
        );
        _http = _app.CreateClient();
    }

    [TearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _openai.DisposeAsync();
    }

    private async Task<Story> MakeAsync(string child, string age = "3-5")
    {
        var response = await _http.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = child,
                ageGroup = age,
                genre = "adventure",
                moral = "share your umbrella",
            }
        );
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Accepted), created.ToString());
        return await _app.WaitForStoryAsync(created.GetProperty("id").GetGuid(), TimeSpan.FromMinutes(2));
    }

    private async Task<List<StorybookShop.Data.Generation>> TextRows(Guid id)
    {
        await using var db = _app.Db();
        return await db
            .Generations.Where(g => g.StoryId == id && g.Type == GenerationType.Text)
            .OrderBy(g => g.CreatedAt)
            .ToListAsync();
    }

    [Test]
    public async Task A_story_written_by_openai_under_a_strict_schema_becomes_the_book_and_is_priced()
    {
        _openai.Content = (_, _) => FakeOpenAI.Story("Aiko", pages: 10, words: 32);
        var story = await MakeAsync("Aiko");

        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);
        Assert.That(story.Pages, Has.Count.EqualTo(10));
        Assert.That(
            story.Characters.Select(c => c.VisualDescription),
            Does.Contain("a small white cloud with pink cheeks")
        );
        var call = _openai.Calls.Single();
        Assert.That(call.Authorization, Is.EqualTo("Bearer sk-test-key"));
        Assert.That(call.Body["model"]!.GetValue<string>(), Is.EqualTo("gpt-test-mini"));
        var format = call.Body["response_format"]!;
        Assert.That(
            (
                format["type"]!.GetValue<string>(),
                format["json_schema"]!["name"]!.GetValue<string>(),
                format["json_schema"]!["strict"]!.GetValue<bool>()
            ),
            Is.EqualTo(("json_schema", "story_plan", true))
        );
        var system = call.Body["messages"]![0]!["content"]!.ToJsonString();
        Assert.That(
            system,
            Does.Contain("Exactly 10 pages")
                .And.Contain("About 35 words per page")
                .And.Contain("illustration_prompt in English")
        );
        Assert.That(
            call.Body["messages"]![1]!["content"]!.ToJsonString(),
            Does.Contain("Share your umbrella."),
            "the moral, cleaned into one sentence"
        );

        var row = (await TextRows(story.Id)).Single();
        Assert.That((row.Provider, row.Model), Is.EqualTo(("openai", "gpt-test-mini")));
        Assert.That(
            row.Cost,
            Is.EqualTo(1200 * 0.25m / 1_000_000m + 2400 * 2.00m / 1_000_000m),
            "tokens x price table"
        );
    }

    [Test]
    public async Task A_story_that_does_not_fit_its_age_band_is_sent_back_once_with_the_problems()
    {
        _openai.Content = (n, _) =>
            n == 1 ? FakeOpenAI.Story("Ben", pages: 3, words: 32) : FakeOpenAI.Story("Ben", pages: 10, words: 32);
        var story = await MakeAsync("Ben");

        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);
        Assert.That(story.Pages, Has.Count.EqualTo(10));
        var calls = _openai.Calls.ToList();
        Assert.That(calls, Has.Count.EqualTo(2));
        Assert.That(
            calls[1].Body["messages"]!.AsArray().Last()!["content"]!.ToJsonString(),
            Does.Contain("exactly 10 pages; it has 3")
        );
        var rows = await TextRows(story.Id);
        Assert.That(
            rows.Select(r =>
                JsonDocument.Parse(r.Result!).RootElement.GetProperty("output").GetProperty("outcome").GetString()
            ),
            Is.EqualTo(new[] { "sent back", "accepted" }),
            "one ledger row per provider call"
        );
    }

    [Test]
    public async Task A_story_still_out_of_band_after_the_retry_is_accepted_with_the_warning_on_record()
    {
        _openai.Content = (_, _) => FakeOpenAI.Story("Cleo", pages: 4, words: 32);
        var story = await MakeAsync("Cleo");

        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);
        Assert.That(_openai.Calls, Has.Count.EqualTo(2));
        var last = JsonDocument.Parse((await TextRows(story.Id))[^1].Result!).RootElement.GetProperty("output");
        Assert.That(last.GetProperty("outcome").GetString(), Is.EqualTo("accepted with warnings"));
        Assert.That(last.GetProperty("warnings")[0].GetString(), Does.Contain("exactly 10 pages; it has 4"));
    }

    [Test]
    public async Task The_story_shows_its_cost_and_a_spent_monthly_budget_stops_new_books()
    {
        await using (var db = _app.Db())
            await db
                .Shops.Where(s => s.Domain == DevShop.Domain)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.MonthlyBudgetUsd, 0.01m));
        _openai.Content = (_, _) => FakeOpenAI.Story("Eve", pages: 10, words: 32);
        var first = await MakeAsync("Eve");
        Assert.That(first.Status, Is.EqualTo(StoryStatus.Complete), first.FailureReason);
        var second = await MakeAsync("Eve", "3-5"); // $0.0051 spent of $0.01: still allowed
        Assert.That(second.Status, Is.EqualTo(StoryStatus.Complete), second.FailureReason);

        var view = await _http.GetFromJsonAsync<JsonElement>($"/api/stories/{first.Id}");
        Assert.That(
            view.GetProperty("totalCostUsd").GetDecimal(),
            Is.EqualTo(0.0051m),
            "1,200 input and 2,400 output tokens at the configured prices"
        );

        var refused = await _http.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = "Fin",
                ageGroup = "3-5",
                genre = "space",
            }
        );
        Assert.That(refused.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Forbidden));
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("detail").GetString(), Does.StartWith("Spent $0.01 of $0.01 this month"));
        await using var check = _app.Db();
        Assert.That(await check.Stories.AnyAsync(s => s.ChildName == "Fin"), Is.False);
    }

    [Test]
    public async Task A_request_openai_refuses_with_400_is_not_retried_and_the_story_says_why()
    {
        _openai.FailNext.Enqueue(400);
        _openai.Content = (_, _) => FakeOpenAI.Story("Gus", pages: 10, words: 32);
        var story = await MakeAsync("Gus");

        Assert.That(story.Status, Is.EqualTo(StoryStatus.Error));
        Assert.That(story.FailureReason, Does.StartWith("Text failed and was not retried"));
        // The text job ended (Succeeded: the refusal is handled, not thrown) and nothing is scheduled to run again.
        Assert.That(
            await _app.WaitForJobsSettledAsync(story.Id, TimeSpan.FromSeconds(30)),
            Is.EqualTo(new[] { "Succeeded" })
        );
        Assert.That(_openai.Calls, Has.Count.EqualTo(1), "no retry of a refused request");
        await using var db = _app.Db();
        Assert.That(
            await db.Generations.CountAsync(g => g.StoryId == story.Id && g.Error != null),
            Is.EqualTo(1),
            "the failed call is in the ledger"
        );
    }

    [Test]
    public async Task A_story_flagged_by_moderation_is_rewritten_once_and_then_used()
    {
        _openai.Content = (n, _) =>
            n == 1
                ? FakeOpenAI.Story("Hal", 10, 32).Replace("sees the sun", "sees a stabbing", StringComparison.Ordinal)
                : FakeOpenAI.Story("Hal", 10, 32);
        var story = await MakeAsync("Hal");
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);
        Assert.That(story.Pages.All(p => !p.Text.Contains("stabbing", StringComparison.Ordinal)));
        var calls = _openai.Calls.ToList();
        Assert.That(calls, Has.Count.EqualTo(2));
        Assert.That(
            calls[1].Body["messages"]!.AsArray().Last()!["content"]!.ToJsonString(),
            Does.Contain("flagged as unsuitable for children")
        );
    }

    [Test]
    public async Task A_story_flagged_twice_stops_with_the_reason()
    {
        _openai.Content = (_, _) =>
            FakeOpenAI.Story("Ida", 10, 32).Replace("sees the sun", "sees a stabbing", StringComparison.Ordinal);
        var story = await MakeAsync("Ida");
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Error));
        Assert.That(story.FailureReason, Does.Contain("flagged by moderation twice"));
        Assert.That(
            await _app.WaitForJobsSettledAsync(story.Id, TimeSpan.FromSeconds(30)),
            Is.EqualTo(new[] { "Succeeded" })
        );
        Assert.That(_openai.Calls, Has.Count.EqualTo(2), "rewritten once, then not retried");
    }

    [Test]
    public async Task A_failing_provider_is_retried_by_the_job_alone_not_by_the_sdk_inside_each_attempt()
    {
        for (var i = 0; i < 10; i++)
            _openai.FailNext.Enqueue(500);
        try
        {
            var story = await MakeAsync("Ola");

            Assert.That(story.Status, Is.EqualTo(StoryStatus.Error));
            Assert.That(story.FailureReason, Does.StartWith("Text failed after 3 attempt(s)"));
            Assert.That(
                _openai.Calls,
                Has.Count.EqualTo(3),
                "one call per job attempt (RetryAttempts 2 + 1): one retry layer"
            );
        }
        finally
        {
            _openai.FailNext.Clear();
        }
    }

    [Test]
    public async Task A_429_with_retry_after_is_retried()
    {
        _openai.FailNext.Enqueue(429);
        _openai.Content = (_, _) => FakeOpenAI.Story("Dev", pages: 10, words: 32);
        var story = await MakeAsync("Dev");
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);
        Assert.That(_openai.Calls, Has.Count.EqualTo(2));
    }
}
