using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Generation;

/// <summary>
/// Story text from Claude (the official Anthropic SDK behind IChatClient) and from an OpenAI-compatible endpoint,
/// through the real pipeline, against local fakes that speak each wire format.
/// </summary>
public sealed class TextModelTests
{
    private FakeAnthropic _claude = null!;
    private FakeOpenAI _compatible = null!;
    private AppFactory _app = null!;
    private HttpClient _http = null!;

    [SetUp]
    public async Task Start()
    {
        _claude = await FakeAnthropic.StartAsync();
        _compatible = await FakeOpenAI.StartAsync();
        _claude.Content = (_, _) => FakeOpenAI.Story("Noor", pages: 10, words: 32);
        _compatible.Content = (_, _) => FakeOpenAI.Story("Noor", pages: 10, words: 32);
        _app = new AppFactory(
            await TestServices.CreateDatabaseAsync("textmodels"),
            new Dictionary<string, string?>
            {
                ["Generation:TextProvider"] = "anthropic",
                ["Anthropic:ApiKey"] = "sk-ant-test",
                ["Anthropic:Endpoint"] = _claude.Endpoint,
                ["Anthropic:TextModel"] = "claude-test-sonnet",
                ["Anthropic:TextPrices:claude-test-sonnet:InputPerMillion"] = "3",
                ["Anthropic:TextPrices:claude-test-sonnet:OutputPerMillion"] = "15",
                ["OpenAICompatible:Endpoint"] = _compatible.Endpoint,
                ["OpenAICompatible:TextModel"] = "llama-test-8b",
                ["OpenAICompatible:TextPrices:llama-test-8b:InputPerMillion"] = "0.1",
                ["OpenAICompatible:TextPrices:llama-test-8b:OutputPerMillion"] = "0.2",
            }
        );
        _http = _app.CreateClient();
    }

    [TearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _claude.DisposeAsync();
        await _compatible.DisposeAsync();
    }

    private async Task<Story> MakeAsync(string child)
    {
        var response = await _http.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = child,
                ageGroup = "3-5",
                genre = "space",
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
    public async Task Claude_writes_a_complete_book_under_the_story_schema_and_the_ledger_prices_it()
    {
        var story = await MakeAsync("Noor");

        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);
        Assert.That(story.Pages, Has.Count.EqualTo(10));
        Assert.That(story.PdfUrl, Is.Not.Null, "the whole book, PDF included");
        var call = _claude.Calls.Single();
        Assert.That((call.ApiKey, call.Version is { Length: > 0 }), Is.EqualTo(("sk-ant-test", true)));
        Assert.That(call.Body["model"]!.GetValue<string>(), Is.EqualTo("claude-test-sonnet"));
        Assert.That(call.Body["max_tokens"]!.GetValue<int>(), Is.EqualTo(8192));
        Assert.That(
            call.Body["system"]!.ToJsonString(),
            Does.Contain("Exactly 10 pages").And.Contain("About 35 words")
        );
        Assert.That(call.Body["messages"]![0]!["content"]!.ToJsonString(), Does.Contain("name: Noor"));
        // Claude's structured output: the story schema as the output format.
        var format = call.Body["output_config"]!["format"]!;
        Assert.That(format["type"]!.GetValue<string>(), Is.EqualTo("json_schema"));
        Assert.That(
            format["schema"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()),
            Is.EquivalentTo(new[] { "title", "description", "moral", "characters", "pages" })
        );

        var row = (await TextRows(story.Id)).Single();
        Assert.That((row.Provider, row.Model), Is.EqualTo(("anthropic", "claude-test-sonnet")));
        Assert.That(
            row.Cost,
            Is.EqualTo(FakeAnthropic.InputTokens * 3m / 1_000_000m + FakeAnthropic.OutputTokens * 15m / 1_000_000m)
        );
        var details = JsonDocument.Parse(row.Result!).RootElement.GetProperty("details");
        Assert.That(
            (details.GetProperty("inputTokens").GetInt32(), details.GetProperty("requestId").GetString()),
            Is.EqualTo((FakeAnthropic.InputTokens, "msg_0001"))
        );
    }

    [Test]
    public async Task A_story_that_does_not_fit_is_sent_back_to_claude_once()
    {
        _claude.Content = (n, _) => FakeOpenAI.Story("Ravi", pages: n == 1 ? 3 : 10, words: 32);
        var story = await MakeAsync("Ravi");
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);
        Assert.That(_claude.Calls, Has.Count.EqualTo(2));
        Assert.That(
            _claude.Calls.Last().Body["messages"]!.AsArray().Last()!["content"]!.ToJsonString(),
            Does.Contain("did not fit the rules")
        );
        Assert.That(story.TextCorrections, Is.EqualTo(1), "counted for the experiment page");
    }

    [TestCase(429)]
    [TestCase(529)]
    public async Task Claude_rate_limited_or_overloaded_is_retried_by_the_job(int status)
    {
        _claude.FailNext.Enqueue(status);
        var story = await MakeAsync("Lou");
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);
        Assert.That(_claude.Calls, Has.Count.EqualTo(2), "one call per job attempt: the SDK's retries are off");
        Assert.That((await TextRows(story.Id)).Select(r => r.Error is null), Is.EqualTo(new[] { false, true }));
    }

    [Test]
    public async Task An_invalid_request_to_claude_is_not_retried_and_the_story_says_why()
    {
        _claude.FailNext.Enqueue(400);
        var story = await MakeAsync("Kai");
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Error));
        Assert.That(story.FailureReason, Does.StartWith("Text failed and was not retried"));
        Assert.That(
            await _app.WaitForJobsSettledAsync(story.Id, TimeSpan.FromSeconds(30)),
            Is.EqualTo(new[] { "Succeeded" })
        );
        Assert.That(_claude.Calls, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task An_openai_compatible_endpoint_writes_a_complete_book()
    {
        // The shop picks the compatible model server in Settings; the server's default stays Claude.
        var settings = await _http.PutAsJsonAsync("/api/settings", new { textProvider = "compatible" });
        Assert.That(settings.IsSuccessStatusCode, Is.True, await settings.Content.ReadAsStringAsync());

        var story = await MakeAsync("Zoe");
        Assert.That(story.Status, Is.EqualTo(StoryStatus.Complete), story.FailureReason);
        var call = _compatible.Calls.Single();
        Assert.That(call.Body["model"]!.GetValue<string>(), Is.EqualTo("llama-test-8b"));
        Assert.That(call.Body["response_format"]!["type"]!.GetValue<string>(), Is.EqualTo("json_schema"));
        Assert.That(_claude.Calls, Is.Empty);
        var row = (await TextRows(story.Id)).Single();
        Assert.That((row.Provider, row.Model), Is.EqualTo(("compatible", "llama-test-8b")));
        Assert.That(row.Cost, Is.EqualTo(1200 * 0.1m / 1_000_000m + 2400 * 0.2m / 1_000_000m));
    }
}
