using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PuppeteerSharp;

namespace StorybookShop.Rendering;

/// <summary>
/// One headless Chromium per process, driven over the DevTools protocol straight from .NET (PuppeteerSharp: no Node
/// driver), launched on first use, with a small pool of reusable pages. Every request a page makes is intercepted:
/// what the work's own handler does not serve is aborted and counted. A browser that crashed or hung is started
/// again and the work retried once.
/// </summary>
public sealed partial class Chromium(IOptions<ChromiumOptions> options, ILogger<Chromium> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _launch = new(1, 1);
    private readonly Channel<IPage> _idle = Channel.CreateUnbounded<IPage>();
    private SemaphoreSlim? _slots;
    private IBrowser? _browser;
    private IBrowser? _broken;
    private long _blocked;

    /// <summary>Requests aborted since start (none is expected: a book loads only its own folder).</summary>
    public long BlockedRequests => Interlocked.Read(ref _blocked);

    public enum BrowserState
    {
        NotStarted,
        Connected,
        Gone,
    }

    /// <summary>Whether the browser has been started and is still connected (for the readiness check).</summary>
    public BrowserState State =>
        _browser is null ? BrowserState.NotStarted
        : IsUsable(_browser) ? BrowserState.Connected
        : BrowserState.Gone;

    /// <summary>The browser's process id (for tests that kill it).</summary>
    public int? ProcessId => _browser?.Process?.Id;

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled page; <paramref name="serve"/> answers the page's requests (return
    /// false
    /// to have the request aborted). Retried once on a fresh browser if the browser died under it.
    /// </summary>
    public async Task<T> WithPageAsync<T>(
        Func<IRequest, Task<bool>> serve,
        Func<IPage, Task<T>> work,
        CancellationToken ct = default
    )
    {
        for (var attempt = 1; ; attempt++)
        {
            var browser = _browser;
            try
            {
                return await OnPageAsync(serve, work, ct).WaitAsync(options.Value.RenderTimeout, ct);
            }
            catch (TimeoutException e) when (attempt == 1)
            {
                // Hung (or frozen) browser: nothing more will come over its socket. Kill it; the next attempt starts
                // one.
                Log.RenderTimedOut(logger, e, options.Value.RenderTimeout);
                Kill(_browser ?? browser);
            }
            catch (Exception e)
                when (attempt == 1
                    && e is TargetClosedException or NavigationException or PuppeteerException
                    && _browser is not { IsConnected: true }
                )
            {
                Log.ChromiumCrashed(logger, e);
            }
        }
    }

    private void Kill(IBrowser? browser)
    {
        try
        {
            browser?.Process?.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            Log.ChromiumAlreadyGone(logger, e);
        }
        _broken = browser;
    }

    private async Task<T> OnPageAsync<T>(
        Func<IRequest, Task<bool>> serve,
        Func<IPage, Task<T>> work,
        CancellationToken ct
    )
    {
        await EnsureStartedAsync(ct);
        await _slots!.WaitAsync(ct);
        IPage? page = null;
        try
        {
#pragma warning disable CA2000 // a pooled page is owned by the pool: returned to it below, or closed in finally
            page = _idle.Reader.TryRead(out var idle) && !idle.IsClosed ? idle : await NewPageAsync();
#pragma warning restore CA2000
            Current[page] = serve;
            var result = await work(page);
            Current.TryRemove(page, out _);
            _idle.Writer.TryWrite(page);
            page = null;
            return result;
        }
        finally
        {
            if (page is not null)
            {
                Current.TryRemove(page, out _);
                try
                {
                    await page.CloseAsync();
                }
                catch (PuppeteerException) { } // a page that failed mid-render is not reused
            }
            _slots.Release();
        }
    }

    /// <summary>Each pooled page's current request handler (the page's owner changes with each render).</summary>
    private System.Collections.Concurrent.ConcurrentDictionary<IPage, Func<IRequest, Task<bool>>> Current { get; } =
        new();

    private async Task<IPage> NewPageAsync()
    {
        var page = await _browser!.NewPageAsync();
        await page.SetRequestInterceptionAsync(true);
        // Interception sees requests, not WebSockets: those are refused by the network layer itself.
        await page.Client.SendAsync(
            "Network.setBlockedURLs",
            new Dictionary<string, object> { ["urls"] = new[] { "ws://*", "wss://*" } }
        );
        page.Request += async (_, e) =>
        {
            var request = e.Request;
            try
            {
                if (request.Url == "about:blank" || request.Url.StartsWith("data:", StringComparison.Ordinal))
                {
                    await request.ContinueAsync();
                    return;
                }
                if (Current.TryGetValue(page, out var serve) && await serve(request))
                    return;
                Interlocked.Increment(ref _blocked);
                Log.RequestBlocked(logger, request.Url);
                await request.AbortAsync(RequestAbortErrorCode.BlockedByClient);
            }
            catch (PuppeteerException)
            {
                // The page went away while its request was pending.
            }
        };
        return page;
    }

    private async Task EnsureStartedAsync(CancellationToken ct)
    {
        if (IsUsable(_browser))
            return;
        await _launch.WaitAsync(ct);
        try
        {
            if (IsUsable(_browser))
                return;
            var o = options.Value;
            if (!File.Exists(o.Executable))
                throw new InvalidOperationException(
                    $"Chromium not found at {o.Executable}. Install Debian's chromium-headless-shell or chromium "
                        + "(scripts/run.sh does) or set Chromium:ExecutablePath."
                );
            if (_browser is not null)
            {
                try
                {
                    await _browser.DisposeAsync();
                }
                catch (PuppeteerException) { }
                while (_idle.Reader.TryRead(out _)) { }
            }
            _browser = await LaunchAsync(o);
            _slots ??= new SemaphoreSlim(Math.Max(1, o.PagePoolSize));
            if (logger.IsEnabled(LogLevel.Information))
            {
                var version = await _browser.GetVersionAsync();
                Log.ChromiumStarted(logger, version);
            }
        }
        finally
        {
            _launch.Release();
        }
    }

    /// <summary>Whether the running browser has its sandbox (renderers under seccomp-bpf in their own user
    /// namespace).</summary>
    public bool Sandboxed { get; private set; }

    private string? _profile;

    /// <summary>Why the browser runs without its sandbox, when it does.</summary>
    public string? Unsandboxed { get; private set; }

    private static readonly string[] CommonArgs =
    [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        // Nothing but the book's own requests, which are served from memory: no name is ever resolved, nothing
        // prefetched or preconnected.
        // (PuppeteerSharp joins the arguments into one command line: a value with spaces is quoted.)
        "--dns-prefetch-disable",
        "--host-resolver-rules=\"MAP * ~NOTFOUND\"",
        // Memory: a rendered book must not linger in the back-forward cache once the page moves on.
        "--renderer-process-limit=1",
        "--disable-features=BackForwardCache,Translate,MediaRouter,OptimizationHints,AudioServiceOutOfProcess",
        "--disable-extensions",
        "--js-flags=--max-old-space-size=96",
        // Fewer processes: GPU and network service in the browser process.
        "--in-process-gpu",
        "--process-per-site",
        "--enable-features=NetworkServiceInProcess2",
    ];

    /// <summary>
    /// Sandboxed where the kernel allows it: as root Chromium refuses its sandbox, so it runs as
    /// <see cref="ChromiumOptions.RunAsUser"/>; where the sandbox cannot start (no user namespaces, a container's
    /// seccomp profile), without it — said once in the log and in the readiness check — unless it is required.
    /// </summary>
    private async Task<IBrowser> LaunchAsync(ChromiumOptions o)
    {
        var runAs = Environment.IsPrivilegedProcess ? ChromiumUser.Find(o.RunAsUser) : null;
        ChromiumUser.Remove(_profile);
        var profile = _profile = ChromiumUser.Profile(runAs);
        var executable = runAs is null ? o.Executable : ChromiumUser.Wrapper(o.Executable, runAs, profile);
        var headless = o.IsHeadlessShell ? HeadlessMode.Shell : HeadlessMode.True;
        if (
            !string.Equals(o.Sandbox, "off", StringComparison.OrdinalIgnoreCase)
            && (runAs is not null || !Environment.IsPrivilegedProcess)
        )
        {
            try
            {
                var sandboxed = await Puppeteer.LaunchAsync(
                    new LaunchOptions
                    {
                        ExecutablePath = executable,
                        HeadlessMode = headless,
                        UserDataDir = profile,
                        Args = CommonArgs,
                    }
                );
                (Sandboxed, Unsandboxed) = (true, null);
                return sandboxed;
            }
            catch (Exception e)
                when (e is ProcessException or TimeoutException or IOException
                    && !string.Equals(o.Sandbox, "required", StringComparison.OrdinalIgnoreCase)
                )
            {
                Unsandboxed = $"the sandbox could not start here: {e.GetBaseException().Message}";
            }
        }
        else
            Unsandboxed = string.Equals(o.Sandbox, "off", StringComparison.OrdinalIgnoreCase)
                ? "Chromium:Sandbox is off"
                : $"running as root and the user {o.RunAsUser} does not exist";
        Log.SandboxUnavailable(logger, Unsandboxed!);
        Sandboxed = false;
        return await Puppeteer.LaunchAsync(
            new LaunchOptions
            {
                ExecutablePath = executable,
                HeadlessMode = headless,
                UserDataDir = profile,
                // No zygote without the sandbox: fewer processes.
                Args = [.. CommonArgs, "--no-sandbox", "--no-zygote"],
            }
        );
    }

    private bool IsUsable(IBrowser? browser) => browser is { IsConnected: true } && !ReferenceEquals(browser, _broken);

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        ChromiumUser.Remove(_profile);
        _launch.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(
            Level = LogLevel.Warning,
            Message = "A render took longer than {Timeout}; killing Chromium and trying again"
        )]
        public static partial void RenderTimedOut(ILogger logger, Exception exception, TimeSpan timeout);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Chromium went away during a render; starting it again")]
        public static partial void ChromiumCrashed(ILogger logger, Exception exception);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Chromium had already gone")]
        public static partial void ChromiumAlreadyGone(ILogger logger, Exception exception);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Chromium blocked a request to {Url}")]
        public static partial void RequestBlocked(ILogger logger, string url);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Chromium renders without its sandbox: {Reason}")]
        public static partial void SandboxUnavailable(ILogger logger, string reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "Chromium {Version} started")]
        public static partial void ChromiumStarted(ILogger logger, string version);
    }
}
