using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Stories;

public sealed class StoryApiTests
{
    private AppFactory _app = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _app = new AppFactory(
            await TestServices.CreateDatabaseAsync("api"),
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web" }
        );
        _http = _app.CreateClient();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Test]
    public async Task Invalid_personalization_is_rejected_with_400_naming_each_field_and_stores_nothing()
    {
        var response = await _http.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = "R2-D2 <script>",
                ageGroup = "10-12",
                genre = "horror",
                language = "xx",
                moral = new string('a', 201),
                companions = new[] { new { name = "", kind = "unicorn" } },
            }
        );

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = problem.RootElement.GetProperty("errors");
        Assert.That(
            errors.EnumerateObject().Select(p => p.Name),
            Is.EquivalentTo(
                new[]
                {
                    "childName",
                    "ageGroup",
                    "genre",
                    "language",
                    "moral",
                    "companions[0].name",
                    "companions[0].kind",
                }
            )
        );
        Assert.That(errors.GetProperty("ageGroup")[0].GetString(), Does.Contain("0-3, 3-5, 5-7, 7-9"));
        await using var db = _app.Db();
        Assert.That(await db.Stories.CountAsync(s => s.ChildName.StartsWith("R2")), Is.Zero);
    }

    [Test]
    public async Task Missing_fields_are_each_named()
    {
        var response = await _http.PostAsJsonAsync("/api/stories", new { });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(
            problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name),
            Is.EquivalentTo(new[] { "childName", "ageGroup", "genre" })
        );
    }

    [Test]
    public async Task Malformed_json_is_a_400_problem()
    {
        var response = await _http.PostAsync(
            "/api/stories",
            new StringContent("{\"childName\": ", System.Text.Encoding.UTF8, "application/json")
        );
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task A_valid_personalization_is_accepted_with_202_a_status_url_and_a_story_row()
    {
        var response = await _http.PostAsJsonAsync(
            "/api/stories",
            new
            {
                childName = "Zoé",
                ageGroup = "5-7",
                genre = "ocean",
                language = "fr",
                companions = new[] { new { name = "Pablo", kind = "dolphin" } },
            }
        );

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetGuid();
        Assert.That(created.GetProperty("statusUrl").GetString(), Is.EqualTo($"/api/stories/{id}/status"));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/api/stories/{id}"));

        var status = await _http.GetFromJsonAsync<JsonElement>($"/api/stories/{id}/status");
        Assert.That(status.GetProperty("status").GetString(), Is.EqualTo("Generating"));
        Assert.That(status.GetProperty("stage").GetString(), Is.EqualTo("text"));
        Assert.That(status.GetProperty("percentDone").GetInt32(), Is.Zero);
        await using var db = _app.Db();
        var story = await db.Stories.SingleAsync(s => s.Id == id);
        Assert.That(
            (story.ChildName, story.Language, story.Companions.Single().Kind),
            Is.EqualTo(("Zoé", "fr", "dolphin"))
        );
    }

    [Test]
    public async Task An_unknown_story_is_404()
    {
        var response = await _http.GetAsync($"/api/stories/{Guid.NewGuid()}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
