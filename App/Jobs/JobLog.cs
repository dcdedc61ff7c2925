using System.Collections.Concurrent;

namespace StorybookShop.Jobs;

/// <summary>
/// The log lines a job writes while it runs, kept with the job (parameter <c>Log</c>) for its dashboard page.
/// <see cref="JobLogFilter"/> opens a capture around each run; <see cref="JobLogProvider"/> adds lines to it. Lines
/// from libraries (HTTP clients, SDKs: provider URLs, retries, plumbing) are marked as such: the operator's
/// dashboard shows every line, a merchant's only the app's own.
/// </summary>
public sealed class JobLog
{
    public const string Parameter = "Log";
    public const int MaxLines = 200;

    private static readonly AsyncLocal<JobLog?> CurrentLog = new();
    private readonly ConcurrentQueue<string> _lines = new();

    public static JobLog? Current
    {
        get => CurrentLog.Value;
        set => CurrentLog.Value = value;
    }

    /// <summary>Marks a library's line in the stored text.</summary>
    public const string LibraryMark = "\u00b7 ";

    public void Add(string line, bool fromApp = true)
    {
        if (_lines.Count < MaxLines)
            _lines.Enqueue(fromApp ? line : LibraryMark + line);
    }

    /// <summary>The lines a merchant sees: the app's own, without the libraries' plumbing.</summary>
    public static List<string> ForMerchant(IEnumerable<string> lines) =>
        [.. lines.Where(l => !l.StartsWith(LibraryMark, StringComparison.Ordinal))];

    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>The lines stored in a job's <c>Log</c> parameter (Hangfire stores the text as a JSON string), or
    /// none.</summary>
    public static List<string> Read(string? parameter)
    {
        if (string.IsNullOrEmpty(parameter))
            return [];
        try
        {
            return
            [
                .. (System.Text.Json.JsonSerializer.Deserialize<string>(parameter) ?? "").Split(
                    '\n',
                    StringSplitOptions.RemoveEmptyEntries
                ),
            ];
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }
}
