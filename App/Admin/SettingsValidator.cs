using System.Globalization;
using System.Text.RegularExpressions;
using FluentValidation;
using StorybookShop.Books;
using StorybookShop.Catalog;
using StorybookShop.Generation;
using StorybookShop.Generation.OpenAI;
using StorybookShop.Stories;

namespace StorybookShop.Admin;

/// <summary>What a shop's settings may hold: providers this server offers, a voice id, a style that is a look and
/// not instructions, and every number within its range. Blank strings mean "the server's default".</summary>
public sealed partial class SettingsValidator : AbstractValidator<SettingsView>
{
    public SettingsValidator(ProviderCatalog providers)
    {
        Provider(r => r.TextProvider, ProviderKind.Text);
        Provider(r => r.ImageProvider, ProviderKind.Image);
        Provider(r => r.AudioProvider, ProviderKind.Audio);
        void Provider(System.Linq.Expressions.Expression<Func<SettingsView, string?>> field, ProviderKind kind) =>
            RuleFor(field)
                .Must(v => Blank(v) is not { } chosen || providers.Available(kind).Contains(chosen))
                .WithMessage(
                    (_, v) =>
                        $"\"{Blank(v)}\" is not available on this server; choose one of "
                        + $"{string.Join(", ", providers.Available(kind))}."
                );

        RuleFor(r => r.TextModel)
            .Must(m => Blank(m) is not { } model || ModelName().IsMatch(model))
            .WithMessage("A model is its provider's model name: letters, digits and . _ : / -, at most 80 characters.");
        RuleFor(r => r.PromptVariant)
            .Must(v => Blank(v) is not { } variant || Generation.Text.StoryPrompt.Variants.ContainsKey(variant))
            .WithMessage(
                $"The prompt variant must be one of {string.Join(", ", Generation.Text.StoryPrompt.Variants.Keys)}."
            );
        RuleFor(r => r.Voice)
            .Must(v => Blank(v) is not { } voice || VoiceId().IsMatch(voice))
            .WithMessage("A voice is a provider's voice id or name: letters, digits, - and _, at most 64 characters.");
        RuleFor(r => r.IllustrationStyle)
            .Cascade(CascadeMode.Stop)
            .Must(s => Blank(s) is not { Length: > 200 })
            .WithMessage("The illustration style can be at most 200 characters.")
            .Must(s => Blank(s) is not { } style || !style.Any(char.IsControl))
            .WithMessage("The illustration style may not contain control characters.")
            .Must(s => !PromptSafety.LooksLikeInstructions(Blank(s)))
            .WithMessage("The illustration style reads like instructions to the model; describe the look instead.");
        RuleFor(r => r.ImageConcurrency)
            .Must(c => c is null or (>= 1 and <= 16))
            .WithMessage("Pictures at once must be between 1 and 16.");
        RuleFor(r => r.ModerationThresholds)
            .Custom(
                (thresholds, context) =>
                {
                    foreach (var (category, score) in thresholds ?? [])
                    {
                        if (!OpenAiModeration.Categories.ContainsKey(category))
                            context.AddFailure(
                                $"moderationThresholds.{category}",
                                $"Unknown moderation category; use one of "
                                    + $"{string.Join(", ", OpenAiModeration.Categories.Keys)}."
                            );
                        else if (score is <= 0 or > 1 || double.IsNaN(score))
                            context.AddFailure(
                                $"moderationThresholds.{category}",
                                "A threshold is a score above 0 and at most 1."
                            );
                    }
                }
            );
        RuleFor(r => r.TrimInches)
            .Must(t => t is null || BookFormat.Trims.Contains(t.Value))
            .WithMessage($"The trim must be one of {string.Join(", ", Trims)} inches.");
        RuleFor(r => r.Paper)
            .Must(p => Blank(p) is not { } paper || BookFormat.PaperThickness.ContainsKey(paper))
            .WithMessage($"The paper must be one of {string.Join(", ", BookFormat.PaperThickness.Keys)}.");
        RuleFor(r => r.Price)
            .Must(p => p is not (<= 0 or > 10_000))
            .WithMessage("The price must be above 0 and at most 10,000.");
        RuleFor(r => r.BookProductIds)
            .Must(ids => ids is null || (ids.Count <= 20 && ids.All(p => ProductId().IsMatch(p.Trim()))))
            .WithMessage("Book products are Shopify product ids (digits), at most 20.");
        RuleFor(r => r.MonthlyBudgetUsd)
            .Must(b => b is not (< 0 or > 1_000_000))
            .WithMessage("The monthly budget must be between 0 and 1,000,000 USD.");
    }

    private static IEnumerable<string> Trims => BookFormat.Trims.Select(x => x.ToString(CultureInfo.InvariantCulture));

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>A provider's model name (<c>gpt-4.1-mini</c>, <c>claude-sonnet-4-5</c>,
    /// <c>meta-llama/Llama-3.1-8B-Instruct</c>, an offline arc).</summary>
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,79}\z")]
    internal static partial Regex ModelName();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex VoiceId();

    [GeneratedRegex(@"^[0-9]{1,20}\z")]
    private static partial Regex ProductId();
}
