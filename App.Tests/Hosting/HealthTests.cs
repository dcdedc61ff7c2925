using System.Net;
using System.Text.Json;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Hosting;

/// <summary>Readiness follows the node's dependencies; liveness is the process alone.</summary>
public sealed class HealthTests
{
    [Test]
    public async Task Ready_fails_while_PostgreSQL_is_stopped_and_recovers_when_it_is_back_while_live_stays_up()
    {
        await using var pg = await PrivatePostgres.StartAsync();
        await using var app = new AppFactory(
            pg.ConnectionString,
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web,worker" }
        );
        using var http = app.CreateClient();

        var (status, checks) = await ReadyAsync(http);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(checks.Keys, Is.EquivalentTo(new[] { "postgresql", "job-storage", "asset-store", "chromium" }));
        Assert.That(checks["postgresql"], Is.EqualTo("Healthy"));
        Assert.That(checks["asset-store"], Is.EqualTo("Healthy"));
        Assert.That(checks["chromium"], Is.EqualTo("Healthy"));

        await pg.StopAsync();
        (status, checks) = await ReadyAsync(http);
        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(checks["postgresql"], Is.EqualTo("Unhealthy"));
        Assert.That(checks["job-storage"], Is.EqualTo("Unhealthy"), "Hangfire's storage is the same database");
        using (var live = await http.GetAsync("/health/live"))
            Assert.That(
                live.StatusCode,
                Is.EqualTo(HttpStatusCode.OK),
                "a database outage is no reason to restart the node"
            );

        await pg.StartAgainAsync();
        (status, checks) = await ReadyAsync(http);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(checks["postgresql"], Is.EqualTo("Healthy"));
    }

    [Test]
    public async Task Ready_fails_on_a_worker_node_without_Chromium()
    {
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("health-chromium"),
            new Dictionary<string, string?>
            {
                ["Pipeline:Roles"] = "web,worker",
                ["Chromium:ExecutablePath"] = "/nonexistent/chromium",
            }
        );
        using var http = app.CreateClient();

        var (status, checks) = await ReadyAsync(http);

        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(checks["chromium"], Is.EqualTo("Unhealthy"));
        Assert.That(checks["postgresql"], Is.EqualTo("Healthy"));
    }

    private static async Task<(HttpStatusCode, Dictionary<string, string>)> ReadyAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/health/ready");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (
            response.StatusCode,
            body.RootElement.GetProperty("checks")
                .EnumerateObject()
                .ToDictionary(c => c.Name, c => c.Value.GetProperty("status").GetString()!)
        );
    }
}
