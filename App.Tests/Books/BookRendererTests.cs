using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StorybookShop.Books;
using StorybookShop.Catalog;
using StorybookShop.Rendering;
using StorybookShop.Tests.Infrastructure;

namespace StorybookShop.Tests.Books;

/// <summary>Chromium renders only the book: its own folder and data: URLs load, nothing else does.</summary>
public sealed class BookRendererTests
{
    [Test]
    public async Task A_book_whose_text_reaches_for_the_network_or_local_files_fetches_nothing()
    {
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("render"),
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web" }
        );
        var hits = 0;
        await using var listener = LocalServer.Create();
        listener.MapFallback(
            (HttpContext _) =>
            {
                Interlocked.Increment(ref hits);
                return Results.Text("body{background:red}", "text/css");
            }
        );
        var probe = await LocalServer.StartAsync(listener);
        var secret = (await File.ReadAllTextAsync("/etc/hostname")).Trim();
        var folder = TestServices.TempDirectory("hostile-book");
        var outside = Path.Combine(Path.GetDirectoryName(folder)!, $"outside-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(outside, "OUTSIDE-THE-BOOK");
        // What escaping would have stopped, written straight into the page: the renderer must hold on its own.
        await File.WriteAllTextAsync(
            Path.Combine(folder, "book.html"),
            $$"""
            <!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet"
              href="{{probe}}/style.css"></head><body>
            <p>Once upon a time</p>
            <img src="{{probe}}/pixel.png"><img src="file:///etc/hostname"><iframe src="file:///etc/hostname"></iframe>
            <iframe src="../{{Path.GetFileName(outside)}}"></iframe><object data="{{probe}}/object"></object>
            <script>fetch('{{probe}}/fetch').catch(() => {});</script>
            </body></html>
            """
        );

        var chromium = app.Services.GetRequiredService<Chromium>();
        var before = chromium.BlockedRequests;
        var pdf = await app
            .Services.GetRequiredService<BookRenderer>()
            .RenderAsync(Path.Combine(folder, "book.html"), BookFormat.Screen, default);

        var text = await PdfFacts.TextAsync(pdf);
        Assert.That(text, Does.Contain("Once upon a time"), "the book itself renders");
        Assert.That(hits, Is.Zero, "no request reached the network");
        Assert.That(
            text,
            Does.Not.Contain(secret).And.Not.Contain("OUTSIDE-THE-BOOK"),
            "no local file outside the book was read"
        );
        Assert.That(
            chromium.BlockedRequests - before,
            Is.GreaterThanOrEqualTo(3),
            "the attempts were aborted and counted"
        );
    }

    [Test]
    public async Task A_book_that_opens_websockets_or_preconnects_reaches_nothing()
    {
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("render-ws"),
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web" }
        );
        // A bare TCP listener: it counts any connection at all — a WebSocket handshake, a preconnect, a prefetch.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = 0;
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var client = await listener.AcceptTcpClientAsync(stop.Token);
                    Interlocked.Increment(ref accepted);
                }
            }
            catch (OperationCanceledException) { }
        });
        var folder = TestServices.TempDirectory("ws-book");
        await File.WriteAllTextAsync(
            Path.Combine(folder, "book.html"),
            $$"""
            <!doctype html><html><head><meta charset="utf-8">
            <link rel="preconnect" href="http://127.0.0.1:{{port}}"><link rel="dns-prefetch"
              href="//storybook-canary.invalid">
            </head><body><p>Once upon a time</p>
            <script>
              try { new WebSocket('ws://127.0.0.1:{{port}}/socket'); } catch (e) {}
              try { new WebSocket('ws://localhost:{{port}}/socket'); } catch (e) {}
            </script>
            </body></html>
            """
        );
        var pdf = await app
            .Services.GetRequiredService<BookRenderer>()
            .RenderAsync(Path.Combine(folder, "book.html"), BookFormat.Screen, default);
        await Task.Delay(1500); // a late connection would arrive by now
        await stop.CancelAsync();
        await accepting;
        Assert.That(await PdfFacts.TextAsync(pdf), Does.Contain("Once upon a time"));
        Assert.That(accepted, Is.Zero, "no WebSocket, preconnect or prefetch left the page");
    }

    [Test]
    public async Task Chromium_renders_inside_its_own_sandbox()
    {
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("render-sandbox"),
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web", ["Chromium:Sandbox"] = "required" }
        );
        var folder = TestServices.TempDirectory("sandboxed-book");
        await File.WriteAllTextAsync(Path.Combine(folder, "book.html"), "<!doctype html><p>Safe and sound</p>");
        var chromium = app.Services.GetRequiredService<Chromium>();
        var pdf = await app
            .Services.GetRequiredService<BookRenderer>()
            .RenderAsync(Path.Combine(folder, "book.html"), BookFormat.Screen, default);
        Assert.That(await PdfFacts.TextAsync(pdf), Does.Contain("Safe and sound"));
        Assert.That((chromium.Sandboxed, chromium.Unsandboxed), Is.EqualTo((true, (string?)null)));

        // What the kernel says about the renderer that drew it: not root, seccomp-bpf filtering its system calls,
        // in a user namespace of its own.
        var ours = new FileInfo("/proc/self/ns/user").LinkTarget;
        var renderers = Directory
            .GetDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(p => int.TryParse(p, out _))
            .Select(p => $"/proc/{p}")
            .Where(p =>
                File.Exists($"{p}/cmdline")
                && Read($"{p}/cmdline").Contains("--type=renderer", StringComparison.Ordinal)
                && DescendsFrom(p, chromium.ProcessId!.Value)
            )
            .ToList();
        Assert.That(renderers, Is.Not.Empty, "a renderer of this app's Chromium");
        foreach (var proc in renderers)
        {
            var status = Read($"{proc}/status");
            Assert.That(status, Does.Match(@"Seccomp:\s+2"), proc);
            Assert.That(status, Does.Not.Match(@"Uid:\s+0\s"), proc);
            Assert.That(new FileInfo($"{proc}/ns/user").LinkTarget, Is.Not.EqualTo(ours), proc);
        }

        // A process of this app's browser: the browser is among its ancestors (the full chromium and the headless
        // shell name their renderers' profiles differently).
        static bool DescendsFrom(string proc, int browser)
        {
            for (var (at, hops) = (proc, 0); hops < 8; hops++)
            {
                var stat = Read($"{at}/stat");
                var parent = int.Parse(
                    stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1],
                    System.Globalization.CultureInfo.InvariantCulture
                );
                if (parent == browser)
                    return true;
                if (parent <= 1)
                    return false;
                at = $"/proc/{parent}";
            }
            return false;
        }

        static string Read(string path)
        {
            try
            {
                return File.ReadAllText(path).Replace('\0', ' ');
            }
            catch (IOException)
            {
                return "";
            }
            catch (UnauthorizedAccessException)
            {
                return "";
            }
        }
    }

    [Test]
    public async Task A_browser_that_died_is_started_again_and_the_render_retried()
    {
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("render-crash"),
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web" }
        );
        var folder = TestServices.TempDirectory("book-crash");
        await File.WriteAllTextAsync(Path.Combine(folder, "book.html"), "<!doctype html><p>Still here</p>");
        var renderer = app.Services.GetRequiredService<BookRenderer>();
        var chromium = app.Services.GetRequiredService<Chromium>();
        await renderer.RenderAsync(Path.Combine(folder, "book.html"), BookFormat.Screen, default);
        var first = chromium.ProcessId!.Value;

        System.Diagnostics.Process.GetProcessById(first).Kill(entireProcessTree: true); // SIGKILL, as a crash would

        var pdf = await renderer.RenderAsync(Path.Combine(folder, "book.html"), BookFormat.Screen, default);
        Assert.That(await PdfFacts.TextAsync(pdf), Does.Contain("Still here"));
        Assert.That(chromium.ProcessId, Is.Not.EqualTo(first), "a new browser");
    }

    [Test]
    public async Task A_browser_killed_mid_render_is_started_again_and_the_render_retried()
    {
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("render-kill"),
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web" }
        );
        var chromium = app.Services.GetRequiredService<Chromium>();
        var pids = new List<int>();

        var text = await RenderWhile(chromium, onPicture: pid =>
        {
            pids.Add(pid);
            if (pids.Count == 1)
                System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: true);
        });

        Assert.That(text, Does.Contain("Rendered at last"));
        Assert.That(pids, Has.Count.EqualTo(2), "the page was loading its picture when the browser died; then again");
        Assert.That(pids[1], Is.Not.EqualTo(pids[0]), "the retry ran on a new browser");
    }

    [Test]
    public async Task A_hung_browser_is_killed_after_the_render_timeout_and_the_render_retried()
    {
        await using var app = new AppFactory(
            await TestServices.CreateDatabaseAsync("render-hang"),
            new Dictionary<string, string?> { ["Pipeline:Roles"] = "web", ["Chromium:RenderTimeout"] = "00:00:04" }
        );
        var chromium = app.Services.GetRequiredService<Chromium>();
        var pids = new List<int>();

        var text = await RenderWhile(chromium, onPicture: pid =>
        {
            pids.Add(pid);
            if (pids.Count == 1)
                StopProcess(pid); // SIGSTOP: alive, connected, answering nothing
        });

        Assert.That(text, Does.Contain("Rendered at last"));
        Assert.That(pids, Has.Count.EqualTo(2));
        Assert.That(pids[1], Is.Not.EqualTo(pids[0]));
        Assert.That(Exited(pids[0]), Is.True, "the frozen browser was killed, not left behind");
    }

    /// <summary>Renders a page with one picture; <paramref name="onPicture"/> runs while the page waits for
    /// it.</summary>
    private static async Task<string> RenderWhile(Chromium chromium, Action<int> onPicture)
    {
        const string origin = "https://book.test.invalid";
        var pdf = await chromium.WithPageAsync(
            async request =>
            {
                if (request.Url == origin + "/book.html")
                {
                    await request.RespondAsync(
                        new PuppeteerSharp.ResponseData
                        {
                            Status = System.Net.HttpStatusCode.OK,
                            ContentType = "text/html",
                            Body = "<!doctype html><p>Rendered at last</p><img src=\"picture.png\">",
                        }
                    );
                    return true;
                }
                if (request.Url == origin + "/picture.png")
                {
                    onPicture(chromium.ProcessId!.Value);
                    await request.RespondAsync(
                        new PuppeteerSharp.ResponseData
                        {
                            Status = System.Net.HttpStatusCode.OK,
                            ContentType = "image/png",
                            BodyData = OnePixelPng,
                        }
                    );
                    return true;
                }
                return false;
            },
            async page =>
            {
                await page.GoToAsync(origin + "/book.html", PuppeteerSharp.WaitUntilNavigation.Load);
                return await page.PdfDataAsync();
            }
        );
        return await PdfFacts.TextAsync(pdf);
    }

    private static readonly byte[] OnePixelPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
    );

    private static void StopProcess(int pid)
    {
        using var kill = System.Diagnostics.Process.Start(
            "kill",
            ["-STOP", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]
        );
        kill.WaitForExit();
        Assert.That(kill.ExitCode, Is.Zero);
    }

    private static bool Exited(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
