namespace StorybookShop.Rendering;

public sealed class ChromiumOptions
{
    public const string Section = "Chromium";
    /// <summary>Debian's chromium (no browser is downloaded).</summary>
    public string ExecutablePath { get; set; } = "/usr/bin/chromium";
    /// <summary>Pages kept open for reuse; also the number of renders in flight per process.</summary>
    public int PagePoolSize { get; set; } = 2;
    /// <summary>A render that takes longer counts as a hung browser: it is killed, started again, the render
    /// retried.</summary>
    public TimeSpan RenderTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
