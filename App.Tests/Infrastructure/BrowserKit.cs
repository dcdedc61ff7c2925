using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>Real Chromium (Debian's, through Playwright's ExecutablePath) against the app served on Kestrel;
/// screenshots kept as artifacts.</summary>
public sealed class BrowserKit : IAsyncDisposable
{
    private IPlaywright _playwright = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The app's own address on 127.0.0.1.</summary>
    public string Base { get; private set; } = "";

    /// <summary>Serves <paramref name="app"/> on <paramref name="port"/> (0: a free one; call before anything touches
    /// its Services) and launches the browser.</summary>
    public static async Task<BrowserKit> StartAsync(AppFactory app, int port = 0)
    {
        app.UseKestrel(port);
        app.StartServer();
        var kit = new BrowserKit
        {
            Base = app
                .Services.GetRequiredService<IServer>()
                .Features.Get<IServerAddressesFeature>()!
                .Addresses.First(),
        };
        kit._playwright = await Playwright.CreateAsync();
        kit.Browser = await kit._playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu"],
            }
        );
        return kit;
    }

    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        var dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "artifacts", "screenshots");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = fullPage });
        TestContext.AddTestAttachment(file, name);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
