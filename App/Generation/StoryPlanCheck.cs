using StorybookShop.Catalog;
using StorybookShop.Stories;

namespace StorybookShop.Generation;

/// <summary>
/// Does a written story fit its age band? Page count, words per page, and for English the Flesch–Kincaid
/// grade. The answer is a list of problems phrased so a writer can act on them.
/// </summary>
public static class StoryPlanCheck
{
    public static IReadOnlyList<string> Problems(StoryPlan plan, StoryBrief brief)
    {
        var band = StoryCatalog.Band(brief.AgeGroup);
        var problems = new List<string>();
        if (plan.Pages.Count != band.Pages)
            problems.Add($"The story must have exactly {band.Pages} pages; it has {plan.Pages.Count}.");
        if (plan.Pages.Count > 0)
        {
            var words = plan.Pages.Average(p => ReadingLevel.Words(p.Text));
            if (words < band.WordsPerPage * 0.5 || words > band.WordsPerPage * 1.5)
                problems.Add($"Pages should have about {band.WordsPerPage} words each; they average {words:0}.");
            if (brief.Language == "en")
            {
                var grade = ReadingLevel.FleschKincaidGrade(string.Join(" ", plan.Pages.Select(p => p.Text)));
                if (grade > band.MaxGrade + 1)
                    problems.Add(
                        $"The reading level (Flesch–Kincaid grade {grade:0.0}) is too hard for ages {band.Id}: use "
                            + $"shorter sentences and simpler words (at most grade {band.MaxGrade:0.0})."
                    );
            }
        }
        if (plan.Pages.Any(p => string.IsNullOrWhiteSpace(p.Text) || string.IsNullOrWhiteSpace(p.IllustrationPrompt)))
            problems.Add("Every page needs text and an illustration prompt.");
        return problems;
    }
}
