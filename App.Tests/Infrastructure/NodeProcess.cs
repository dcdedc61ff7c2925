using System.Diagnostics;
using System.Text.RegularExpressions;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>A real StorybookShop node in its own process, so a test can kill it the way a crash would.</summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<string> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public List<string> Output { get; } = [];

    private NodeProcess(Process process) => _process = process;

    public static async Task<NodeProcess> StartAsync(IDictionary<string, string?> environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "StorybookShop.dll");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add("http://127.0.0.1:0");
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (k, v) in environment)
            psi.Environment[k.Replace(":", "__", StringComparison.Ordinal)] = v;
        var node = new NodeProcess(Process.Start(psi)!);
        node._process.OutputDataReceived += (_, e) => node.OnLine(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.OnLine(e.Data);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        var url = await node._url.Task.WaitAsync(TimeSpan.FromSeconds(60));
        node.BaseAddress = new Uri(url);
        return node;
    }

    public Uri BaseAddress { get; private set; } = null!;

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        lock (Output)
            Output.Add(line);
        var m = Listening().Match(line);
        if (m.Success)
            _url.TrySetResult(m.Groups[1].Value);
    }

    /// <summary>SIGKILL: no shutdown hooks, no graceful stop — the job dies mid-run.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            Kill();
        await Task.CompletedTask;
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();
}
