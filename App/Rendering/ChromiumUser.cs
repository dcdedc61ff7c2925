using System.Runtime.InteropServices;

namespace StorybookShop.Rendering;

/// <summary>
/// Chromium as an unprivileged user when the app runs as root: a small wrapper script that <c>exec</c>s
/// <c>setpriv</c> (util-linux) into the user and then Chromium — no process in between, so killing the browser
/// kills Chromium — and a profile folder that user owns.
/// </summary>
internal static class ChromiumUser
{
    public sealed record User(string Name, int Uid, int Gid);

    /// <summary>The user from /etc/passwd, or null.</summary>
    public static User? Find(string name)
    {
        if (!File.Exists("/etc/passwd"))
            return null;
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var f = line.Split(':');
            if (f.Length > 3 && f[0] == name && int.TryParse(f[2], out var uid) && int.TryParse(f[3], out var gid))
                return new User(name, uid, gid);
        }
        return null;
    }

    /// <summary>A fresh profile folder for this browser, owned by <paramref name="user"/> when given.</summary>
    public static string Profile(User? user)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"storybook-chromium-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        if (user is not null && Chown(dir, user.Uid, user.Gid) != 0)
            throw new IOException($"Could not give {dir} to {user.Name}.");
        return dir;
    }

    /// <summary>A browser's profile folder, once the browser is gone (best effort).</summary>
    public static void Remove(string? profile)
    {
        if (profile is null || !Directory.Exists(profile))
            return;
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>The script PuppeteerSharp launches in Chromium's place.</summary>
    public static string Wrapper(string chromium, User user, string profile)
    {
        var script = Path.Combine(Path.GetTempPath(), $"storybook-chromium-as-{user.Name}-{Environment.ProcessId}.sh");
        File.WriteAllText(
            script,
            $$"""
            #!/bin/sh
            export HOME='{{profile}}' XDG_CONFIG_HOME='{{profile}}' XDG_CACHE_HOME='{{profile}}'
            exec setpriv --reuid={{user.Uid}} --regid={{user.Gid}} --clear-groups -- '{{chromium}}' "$@"
            """.ReplaceLineEndings("\n")
        );
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    [DllImport(
        "libc",
        EntryPoint = "chown",
        CharSet = CharSet.Ansi,
        BestFitMapping = false,
        ThrowOnUnmappableChar = true,
        SetLastError = true
    )]
    private static extern int Chown(string path, int owner, int group);
}
