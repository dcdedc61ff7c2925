using System.Globalization;

namespace StorybookShop.Benchmarks;

/// <summary>CPU time and resident memory of this process and every descendant (Playwright's driver, Chromium), from
/// /proc.</summary>
public static class ProcessTree
{
    private static readonly double TicksPerSecond = 100.0; // USER_HZ on Linux
    private static readonly long PageSize = Environment.SystemPageSize;

    public sealed record Sample(double CpuSeconds, long RssBytes, long AppRssBytes, double AppCpuSeconds);

    public static Sample Read()
    {
        var self = Environment.ProcessId;
        var stats = new Dictionary<int, (int Parent, double Cpu, long Rss)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // fields[0] = state (field 3); ppid is field 4; utime 14, stime 15; rss 24 (pages)
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                var cpu =
                    (
                        long.Parse(fields[11], CultureInfo.InvariantCulture)
                        + long.Parse(fields[12], CultureInfo.InvariantCulture)
                    ) / TicksPerSecond;
                var rss = Pss(dir) ?? long.Parse(fields[21], CultureInfo.InvariantCulture) * PageSize;
                stats[pid] = (parent, cpu, rss);
            }
            catch (IOException) { } // the process ended while we looked
            catch (UnauthorizedAccessException) { }
        }
        var tree = new HashSet<int> { self };
        bool grew;
        do
        {
            grew = false;
            foreach (var (pid, s) in stats)
                if (!tree.Contains(pid) && tree.Contains(s.Parent))
                    grew = tree.Add(pid) || grew;
        } while (grew);
        return new Sample(
            tree.Sum(p => stats.TryGetValue(p, out var s) ? s.Cpu : 0),
            tree.Sum(p => stats.TryGetValue(p, out var s) ? s.Rss : 0),
            stats.TryGetValue(self, out var me) ? me.Rss : 0,
            stats.TryGetValue(self, out var mine) ? mine.Cpu : 0
        );
    }

    /// <summary>Each descendant process with its PSS and role (Chromium's --type), for finding where memory
    /// goes.</summary>
    public static IEnumerable<string> Describe()
    {
        var self = Environment.ProcessId;
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out var pid))
                try
                {
                    var st = File.ReadAllText(Path.Combine(dir, "stat"));
                    parents[pid] = int.Parse(
                        st[(st.LastIndexOf(')') + 2)..].Split(' ')[1],
                        CultureInfo.InvariantCulture
                    );
                }
                catch (IOException) { }
        var tree = new HashSet<int> { self };
        bool grew;
        do
        {
            grew = false;
            foreach (var (pid, parent) in parents)
                if (!tree.Contains(pid) && tree.Contains(parent))
                    grew = tree.Add(pid) || grew;
        } while (grew);
        foreach (var pid in tree.Order())
        {
            string cmd;
            try
            {
                cmd = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue;
            }
            var type = System.Text.RegularExpressions.Regex.Match(cmd, "--type=([a-z-]+)").Groups[1].Value;
            var name =
                pid == self ? "app (.NET)"
                : cmd.Contains("chromium", StringComparison.Ordinal)
                    ? "chromium " + (type.Length > 0 ? type : "browser")
                : Path.GetFileName(cmd.Split(' ')[0]);
            yield return $"  {name, -28} {(Pss($"/proc/{pid}") ?? 0) / 1048576.0, 7:0} MB";
        }
    }

    /// <summary>
    /// Proportional set size: each shared page divided among the processes sharing it. Summing RSS over
    /// Chromium's processes counts every shared library once per process and overstates memory.
    /// </summary>
    private static long? Pss(string dir)
    {
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(dir, "smaps_rollup")))
                if (line.StartsWith("Pss:", StringComparison.Ordinal))
                    return long.Parse(
                            line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
                            CultureInfo.InvariantCulture
                        ) * 1024;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>Samples memory every 100 ms until disposed; keeps the peaks.</summary>
    public sealed class PeakWatcher : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        public long PeakTotal { get; private set; }
        public long PeakApp { get; private set; }

        public PeakWatcher() =>
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var s = Read();
                    PeakTotal = Math.Max(PeakTotal, s.RssBytes);
                    PeakApp = Math.Max(PeakApp, s.AppRssBytes);
                    try
                    {
                        await Task.Delay(100, _stop.Token);
                    }
                    catch (OperationCanceledException) { }
                }
            });

        public void Dispose()
        {
            _stop.Cancel();
            _loop.Wait();
            _stop.Dispose();
        }
    }
}
