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

    /// <summary>
    /// <c>auto</c> (default): Chromium's own sandbox (seccomp-bpf and a user namespace per renderer) where the kernel
    /// allows it, else without it and a warning saying why; <c>required</c>: refuse to render without it;
    /// <c>off</c>: never.
    /// </summary>
    public string Sandbox { get; set; } = "auto";

    /// <summary>When the app runs as root (Chromium refuses its sandbox to root), the unprivileged user Chromium runs
    /// as.</summary>
    public string RunAsUser { get; set; } = "nobody";
}
