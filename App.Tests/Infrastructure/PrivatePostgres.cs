using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of the test's own (scripts/lib.sh's pg_start/pg_stop, as the test command uses), for tests
/// that stop the database under a running app without touching the shared test server.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _dir = TestServices.TempDirectory("pg");
    public int Port { get; } = FreePort();
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=3";

    public static async Task<PrivatePostgres> StartAsync()
    {
        var pg = new PrivatePostgres();
        await RunAsync($"pg_start '{pg._dir}' {pg.Port}");
        return pg;
    }

    public Task StartAgainAsync() => RunAsync($"pg_start '{_dir}' {Port}");

    public Task StopAsync() => RunAsync($"pg_stop '{_dir}'");

    private static async Task RunAsync(string command)
    {
        var lib = ShopifyKit.Repo(Path.Combine("scripts", "lib.sh"));
        using var bash = Process.Start(
            new ProcessStartInfo("bash", ["-c", $"source '{lib}' && {command}"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            }
        )!;
        var error = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();
        Assert.That(bash.ExitCode, Is.Zero, $"{command}: {await error}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
