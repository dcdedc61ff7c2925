namespace StorybookShop.Rendering;

public sealed class ChromiumOptions
{
    public const string Section = "Chromium";

    /// <summary>The browser (nothing is downloaded). Empty (default): Debian's print-only
    /// <c>chromium-headless-shell</c> where it is installed, else the full <c>chromium</c>.</summary>
    public string ExecutablePath { get; set; } = "";

    /// <summary>Where the app looks when <see cref="ExecutablePath"/> is empty, in order. The headless shell's binary
    /// itself: Debian's /usr/bin/chromium-headless-shell is a script that stays as its parent (one process more, and
    /// the one a hang watchdog would see).</summary>
    public static readonly string[] Installed = ["/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium"];

    /// <summary>The browser this node runs.</summary>
    public string Executable =>
        ExecutablePath.Length > 0 ? ExecutablePath : Installed.FirstOrDefault(File.Exists) ?? Installed[^1];

    /// <summary>The old headless shell (no UI, no tabs' machinery): launched in its own headless mode.</summary>
    public bool IsHeadlessShell => Path.GetFileName(Executable).Contains("headless-shell", StringComparison.Ordinal);

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
