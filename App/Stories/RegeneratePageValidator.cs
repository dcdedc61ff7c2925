using FluentValidation;

namespace StorybookShop.Stories;

/// <summary>What a page regeneration may ask for (the page number is checked against the story by the
/// handler).</summary>
public sealed class RegeneratePageValidator : AbstractValidator<RegeneratePageRequest>
{
    public static readonly string[] KnownParts = ["image", "audio"];

    public RegeneratePageValidator()
    {
        RuleFor(r => r.Text)
            .Must(t => t is null || t.Trim().Length is > 0 and <= 1500)
            .WithMessage("The page text must be 1 to 1,500 characters.")
            .Must(t => t is null || !t.Any(c => char.IsControl(c) && c != '\n'))
            .WithMessage("The page text may not contain control characters.");
        RuleFor(r => r.IllustrationPrompt)
            .Must(t => t is null || t.Trim().Length is > 0 and <= 1000)
            .WithMessage("The picture description must be 1 to 1,000 characters.")
            .Must(t => t is null || !t.Any(char.IsControl))
            .WithMessage("The picture description may not contain control characters.")
            .Must(t => !PromptSafety.LooksLikeInstructions(t))
            .WithMessage("The picture description reads like instructions to the model; describe the picture instead.");
        RuleFor(r => r.Parts)
            .Must(p => p is null || (p.Count > 0 && p.All(KnownParts.Contains)))
            .WithMessage("Parts must be \"image\", \"audio\" or both.");
    }
}
