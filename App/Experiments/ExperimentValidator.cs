using System.Text.RegularExpressions;
using FluentValidation;
using StorybookShop.Generation;
using StorybookShop.Generation.Offline;
using StorybookShop.Generation.Text;

namespace StorybookShop.Experiments;

/// <summary>What an experiment may hold: arms this server can run, distinct keys, sane weights and a real
/// window.</summary>
public sealed partial class ExperimentValidator : AbstractValidator<ExperimentRequest>
{
    public ExperimentValidator(ProviderCatalog providers, TimeProvider clock)
    {
        RuleFor(r => r.Name)
            .Cascade(CascadeMode.Stop)
            .NotEmpty()
            .WithMessage("Name the experiment.")
            .MaximumLength(80)
            .WithMessage("The name can be at most 80 characters.")
            .Must(n => !n!.Any(char.IsControl))
            .WithMessage("The name may not contain control characters.");
        RuleFor(r => r.Arms)
            .Cascade(CascadeMode.Stop)
            .NotNull()
            .WithMessage("An experiment needs arms.")
            .Must(a => a!.Count is >= 2 and <= 4)
            .WithMessage("An experiment has 2 to 4 arms.")
            .Must(a => a!.Select(x => x.Key).Distinct(StringComparer.Ordinal).Count() == a!.Count)
            .WithMessage("Each arm needs its own key.");
        RuleForEach(r => r.Arms)
            .ChildRules(arm =>
            {
                arm.RuleFor(a => a.Key)
                    .Must(k => k is not null && Key().IsMatch(k))
                    .WithMessage("A key is 1 to 40 lower-case letters, digits or dashes (a, b, claude).");
                arm.RuleFor(a => a.Provider)
                    .Must(p => p is not null && providers.Available(ProviderKind.Text).Contains(p))
                    .WithMessage(_ =>
                        $"The provider must be one this server offers: {string.Join(", ",
                    providers.Available(ProviderKind.Text))}."
                    );
                arm.RuleFor(a => a.Model)
                    .Must(
                        (a, m) =>
                            m is null
                            || (
                                a.Provider == Providers.Offline
                                    ? OfflineStoryWriter.ArcIds.Contains(m)
                                    : Admin.SettingsValidator.ModelName().IsMatch(m)
                            )
                    )
                    .WithMessage(a =>
                        a.Provider == Providers.Offline
                            ? $"The offline writer's models are its story "
                                + $"arcs: {string.Join(", ", OfflineStoryWriter.ArcIds)}."
                            : "A model is its provider's model name: letters, digits and . _ : / -, at most 80 "
                                + "characters."
                    );
                arm.RuleFor(a => a.PromptVariant)
                    .Must(v => v is null || StoryPrompt.Variants.ContainsKey(v))
                    .WithMessage($"The prompt variant must be one of {string.Join(", ", StoryPrompt.Variants.Keys)}.");
                arm.RuleFor(a => a.Weight)
                    .Must(w => w is null or (>= 1 and <= 100))
                    .WithMessage("A weight is 1 to 100 (1 and 1 split 50/50).");
            });
        RuleFor(r => r.EndsAt)
            .Must((r, end) => end is null || end > (r.StartsAt ?? clock.GetUtcNow()))
            .WithMessage("The experiment must end after it starts.")
            .Must((r, end) => end is null || end - (r.StartsAt ?? clock.GetUtcNow()) <= TimeSpan.FromDays(366))
            .WithMessage("An experiment runs at most a year.");
        RuleFor(r => r.StartsAt)
            .Must(s => s is null || s > clock.GetUtcNow().AddDays(-1))
            .WithMessage("An experiment cannot start in the past.");
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,39}\z")]
    private static partial Regex Key();
}
