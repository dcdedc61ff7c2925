using Microsoft.EntityFrameworkCore;
using StorybookShop.Catalog;
using StorybookShop.Data;
using StorybookShop.Stories;

namespace StorybookShop.Experiments;

/// <summary>
/// What an experiment measured, arm by arm, from the rows the app keeps anyway: the stories (assigned arm, pages,
/// corrections, rewrites, the merchant's text rewrites, payment) and their ledger rows (cost, text latency).
/// </summary>
public static class ExperimentStats
{
    /// <summary>A 95 % interval for a proportion.</summary>
    public sealed record Interval(double Low, double High);

    /// <param name="Books">Stories assigned to the arm.</param>
    /// <param name="Written">Of those, the ones whose text is written (the reading-level figures are theirs).</param>
    /// <param name="WordsPerPageToTarget">Mean of (words per page ÷ the age band's target).</param>
    /// <param name="WordsOnTarget">Share of written books whose words per page are within ±25 % of the target.</param>
    /// <param name="Grade">Mean Flesch-Kincaid grade of English books (the formula is English's).</param>
    /// <param name="GradeFit">Share of English books at or below their band's grade.</param>
    /// <param name="Previews">Books shoppers started on the storefront; <paramref name="Paid"/> of them were paid
    /// for.</param>
    public sealed record Arm(
        string Key,
        string Provider,
        string? Model,
        string? PromptVariant,
        int Weight,
        int Books,
        int Written,
        decimal CostPerBook,
        decimal CostPerPage,
        decimal TextCostPerBook,
        double? TextLatencyP50Ms,
        double? TextLatencyP95Ms,
        double? WordsPerPageToTarget,
        double? WordsOnTarget,
        double? Grade,
        double? GradeFit,
        double CorrectionsPerBook,
        double RewritesPerBook,
        double TextRegenerationsPerBook,
        int Previews,
        int Paid,
        double? Conversion,
        Interval? ConversionInterval
    );

    public static async Task<IReadOnlyList<Arm>> ForAsync(AppDbContext db, Experiment experiment, CancellationToken ct)
    {
        var stories = await db
            .Stories.AsNoTracking()
            .Where(s => s.ExperimentId == experiment.Id)
            .Select(s => new
            {
                s.Id,
                s.ExperimentArm,
                s.AgeGroup,
                s.Language,
                s.StagesDone,
                s.TextCorrections,
                s.ModerationRewrites,
                s.TextRegenerations,
                s.StartedOnStorefront,
                s.PaidAt,
                Texts = s.Pages.Select(p => p.Text).ToList(),
            })
            .ToListAsync(ct);
        var ids = stories.Select(s => s.Id).ToList();
        var calls = await db
            .Generations.AsNoTracking()
            .Where(g => ids.Contains(g.StoryId))
            .Select(g => new
            {
                g.StoryId,
                g.Type,
                g.Cost,
                g.DurationMs,
                g.Error,
            })
            .ToListAsync(ct);
        var costs = calls.GroupBy(c => c.StoryId).ToDictionary(g => g.Key, g => g.Sum(c => c.Cost));

        return experiment
            .Arms.Select(arm =>
            {
                var mine = stories.Where(s => s.ExperimentArm == arm.Key).ToList();
                var mineIds = mine.Select(s => s.Id).ToHashSet();
                var written = mine.Where(s => s.StagesDone.HasFlag(PipelineStages.Text) && s.Texts.Count > 0).ToList();
                var pages = mine.Sum(s => s.Texts.Count);
                var cost = mine.Sum(s => costs.GetValueOrDefault(s.Id));
                var text = calls.Where(c => mineIds.Contains(c.StoryId) && c.Type == GenerationType.Text).ToList();
                var latencies = text.Where(c => c.Error is null).Select(c => (double)c.DurationMs).Order().ToList();
                var fit = written
                    .Select(s =>
                    {
                        var band = StoryCatalog.Band(s.AgeGroup);
                        var perPage = s.Texts.Average(t => (double)ReadingLevel.Words(t));
                        double? grade =
                            s.Language == "en" ? ReadingLevel.FleschKincaidGrade(string.Join(' ', s.Texts)) : null;
                        return (Ratio: perPage / band.WordsPerPage, Grade: grade, band.MaxGrade);
                    })
                    .ToList();
                var english = fit.Where(f => f.Grade is not null).ToList();
                var previews = mine.Count(s => s.StartedOnStorefront);
                var paid = mine.Count(s => s.StartedOnStorefront && s.PaidAt is not null);
                return new Arm(
                    arm.Key,
                    arm.Provider,
                    arm.Model,
                    arm.PromptVariant,
                    arm.Weight,
                    mine.Count,
                    written.Count,
                    mine.Count == 0 ? 0 : Math.Round(cost / mine.Count, 6),
                    pages == 0 ? 0 : Math.Round(cost / pages, 6),
                    mine.Count == 0 ? 0 : Math.Round(text.Sum(c => c.Cost) / mine.Count, 6),
                    Percentile(latencies, 0.50),
                    Percentile(latencies, 0.95),
                    fit.Count == 0 ? null : Math.Round(fit.Average(f => f.Ratio), 3),
                    fit.Count == 0
                        ? null
                        : Math.Round(fit.Count(f => Math.Abs(f.Ratio - 1) <= 0.25) / (double)fit.Count, 3),
                    english.Count == 0 ? null : Math.Round(english.Average(f => f.Grade!.Value), 2),
                    english.Count == 0
                        ? null
                        : Math.Round(english.Count(f => f.Grade <= f.MaxGrade) / (double)english.Count, 3),
                    Rate(mine.Sum(s => s.TextCorrections), mine.Count),
                    Rate(mine.Sum(s => s.ModerationRewrites), mine.Count),
                    Rate(mine.Sum(s => s.TextRegenerations), mine.Count),
                    previews,
                    paid,
                    previews == 0 ? null : Math.Round(paid / (double)previews, 4),
                    previews == 0 ? null : Wilson(paid, previews)
                );
            })
            .ToList();
    }

    /// <summary>
    /// The Wilson score interval (95 %, z = 1.96) for <paramref name="successes"/> out of <paramref name="trials"/>:
    /// unlike p ± z·√(p(1−p)/n) it stays inside [0, 1] and is honest for small samples and rates near 0 or 1.
    /// </summary>
    public static Interval Wilson(int successes, int trials, double z = 1.959964)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trials);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        double n = trials,
            p = successes / n,
            z2 = z * z;
        var centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = z / (1 + z2 / n) * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return new Interval(Math.Round(Math.Max(0, centre - half), 4), Math.Round(Math.Min(1, centre + half), 4));
    }

    /// <summary>Whether two arms' conversion differs beyond noise: their 95 % intervals do not overlap
    /// (conservative).</summary>
    public static bool Separated(Interval? a, Interval? b) =>
        a is not null && b is not null && (a.High < b.Low || b.High < a.Low);

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double? Percentile(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double Rate(int count, int books) => books == 0 ? 0 : Math.Round(count / (double)books, 3);
}
