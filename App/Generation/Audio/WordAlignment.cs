using System.Text;

namespace StorybookShop.Generation.Audio;

/// <summary>
/// Word timings for the page's own words from a transcript of its narration (words with start and end, as a speech
/// recogniser hears them: no punctuation, sometimes a word misheard, merged or missed). The two word sequences are
/// aligned by their longest common subsequence of normalised forms; a page word the transcript matched takes its
/// times, the words between two matches share the time between them by length.
/// </summary>
public static class WordAlignment
{
    public sealed record Heard(string Word, double Start, double End);

    public static List<Data.WordTiming> Align(IReadOnlyList<string> words, IReadOnlyList<Heard> heard, double seconds)
    {
        var match = Matches(words.Select(Normal).ToArray(), heard.Select(h => Normal(h.Word)).ToArray());
        var starts = new double[words.Count];
        var ends = new double[words.Count];
        for (var i = 0; i < words.Count; )
        {
            if (match[i] >= 0)
            {
                (starts[i], ends[i]) = (heard[match[i]].Start, heard[match[i]].End);
                i++;
                continue;
            }
            // A run of unmatched words between the previous match's end and the next match's start, by length.
            var k = i;
            while (k < words.Count && match[k] < 0)
                k++;
            var from = i == 0 ? 0 : ends[i - 1];
            var to = Math.Max(from, k < words.Count ? heard[match[k]].Start : seconds);
            var total = Enumerable.Range(i, k - i).Sum(x => Math.Max(1, words[x].Length));
            var at = from;
            for (var x = i; x < k; x++)
            {
                var share = (to - from) * Math.Max(1, words[x].Length) / total;
                (starts[x], ends[x]) = (at, at + share);
                at += share;
            }
            i = k;
        }
        var result = new List<Data.WordTiming>(words.Count);
        double previous = 0;
        for (var i = 0; i < words.Count; i++)
        {
            var start = Math.Clamp(Math.Max(starts[i], previous), 0, seconds);
            result.Add(
                new Data.WordTiming(words[i], Math.Round(start, 3), Math.Round(Math.Clamp(ends[i], start, seconds), 3))
            );
            previous = start;
        }
        return result;
    }

    /// <summary>For each page word, the transcript word it matched (-1: none), by the longest common subsequence of
    /// the normalised forms.</summary>
    private static int[] Matches(string[] a, string[] b)
    {
        // LCS table, then walk it back for the matched pairs.
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        for (var j = b.Length - 1; j >= 0; j--)
            lcs[i, j] =
                a[i].Length > 0 && a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        var match = new int[a.Length];
        Array.Fill(match, -1);
        for (int i = 0, j = 0; i < a.Length && j < b.Length; )
        {
            if (a[i].Length > 0 && a[i] == b[j])
                match[i++] = j++;
            else if (lcs[i + 1, j] >= lcs[i, j + 1])
                i++;
            else
                j++;
        }
        return match;
    }

    /// <summary>Lower case, letters and digits only, accents kept ("¡Mira!" → "mira", "Lucía's" → "lucías").</summary>
    private static string Normal(string word)
    {
        var s = new StringBuilder(word.Length);
        foreach (var c in word.Normalize(NormalizationForm.FormC))
            if (char.IsLetterOrDigit(c))
                s.Append(char.ToLowerInvariant(c));
        return s.ToString();
    }
}
