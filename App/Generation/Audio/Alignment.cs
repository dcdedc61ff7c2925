namespace StorybookShop.Generation.Audio;

/// <summary>Word timings from a provider's per-character alignment: runs of non-space characters are words.</summary>
public static class Alignment
{
    public static List<Data.WordTiming> Words(
        IReadOnlyList<string> characters,
        IReadOnlyList<double> starts,
        IReadOnlyList<double> ends
    )
    {
        var words = new List<Data.WordTiming>();
        var text = new System.Text.StringBuilder();
        double start = 0,
            end = 0;
        var n = Math.Min(characters.Count, Math.Min(starts.Count, ends.Count));
        for (var i = 0; i < n; i++)
        {
            if (string.IsNullOrWhiteSpace(characters[i]))
            {
                Flush();
                continue;
            }
            if (text.Length == 0)
                start = starts[i];
            text.Append(characters[i]);
            end = ends[i];
        }
        Flush();
        return words;

        void Flush()
        {
            if (text.Length == 0)
                return;
            words.Add(new Data.WordTiming(text.ToString(), Math.Round(start, 3), Math.Round(Math.Max(end, start), 3)));
            text.Clear();
        }
    }
}
