using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace StorybookShop.Rendering;

public sealed class ChromiumOptions
{
    public const string Section = "Chromium";
    /// <summary>Debian's chromium; Playwright's own browser download does not work offline.</summary>
    public string ExecutablePath { get; set; } = "/usr/bin/chromium";
    /// <summary>Pages kept open for reuse; also the number of renders in flight per process.</summary>
    public int PagePoolSize { get; set; } = 2;
}

/// <summary>
/// One headless Chromium per process, launched on first use, with a small pool of reusable pages:
/// a warm page renders a 32-page book in about a second where a new context costs ~3.5 s.
/// </summary>
public sealed class Chromium(IOptions<ChromiumOptions> options, ILogger<Chromium> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _launch = new(1, 1);
    private readonly Channel<IPage> _idle = Channel.CreateUnbounded<IPage>();
    private SemaphoreSlim? _slots;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private IBrowserContext? _context;
    private long _blocked;

    /// <summary>Requests aborted since start (none is expected: a book loads only its own folder).</summary>
    public long BlockedRequests => Interlocked.Read(ref _blocked);

    public async Task<T> WithPageAsync<T>(Func<IPage, Task<T>> work, CancellationToken ct = default)
    {
        await EnsureStartedAsync(ct);
        await _slots!.WaitAsync(ct);
        IPage? page = null;
        try
        {
            page = _idle.Reader.TryRead(out var idle) && !idle.IsClosed ? idle : await _context!.NewPageAsync();
            var result = await work(page);
            _idle.Writer.TryWrite(page);
            page = null;
            return result;
        }
        finally
        {
            if (page is not null) await page.CloseAsync(); // a page that failed mid-render is not reused
            _slots.Release();
        }
    }

    private async Task EnsureStartedAsync(CancellationToken ct)
    {
        if (_browser is { IsConnected: true }) return;
        await _launch.WaitAsync(ct);
        try
        {
            if (_browser is { IsConnected: true }) return;
            var o = options.Value;
            if (!File.Exists(o.ExecutablePath))
                throw new InvalidOperationException($"Chromium not found at {o.ExecutablePath}. Install Debian's chromium (scripts/run.sh does) or set Chromium:ExecutablePath.");
            // Playwright's Node driver carries every PDF as base64; a bounded heap makes it collect instead of grow.
            if (Environment.GetEnvironmentVariable("NODE_OPTIONS") is null)
                Environment.SetEnvironmentVariable("NODE_OPTIONS", "--max-old-space-size=96 --max-semi-space-size=2");
            _playwright ??= await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = o.ExecutablePath,
                Headless = true,
                Args = ["--disable-gpu", "--disable-quic", "--no-sandbox", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                        // Memory: a rendered book must not linger in the back-forward cache once the page moves on.
                        "--renderer-process-limit=1", "--disable-features=BackForwardCache,Translate,MediaRouter,OptimizationHints",
                        "--disable-extensions", "--js-flags=--max-old-space-size=96"],
            });
            _context = await _browser.NewContextAsync();
            // Chromium renders only what we hand it: every request that no page-level route serves is aborted and
            // logged.
            await _context.RouteAsync("**/*", async route =>
            {
                Interlocked.Increment(ref _blocked);
                logger.LogWarning("Chromium blocked a request to {Url}", route.Request.Url);
                await route.AbortAsync("blockedbyclient");
            });
            _slots = new SemaphoreSlim(Math.Max(1, o.PagePoolSize));
            while (_idle.Reader.TryRead(out _)) { }
            logger.LogInformation("Chromium {Version} started", _browser.Version);
        }
        finally
        {
            _launch.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
    }
}
