using FluentValidation;
using Microsoft.Extensions.Localization;
using StorybookShop.Catalog;
using StorybookShop.Storefront;

namespace StorybookShop.Stories;

/// <summary>What a personalization may contain; the field errors the form shows, in the shopper's language (the
/// messages are looked up when a request is validated, so in that request's culture).</summary>
public sealed partial class PersonalizationValidator : AbstractValidator<PersonalizationRequest>
{
    public PersonalizationValidator(IStringLocalizer<ShopperText> text)
    {
        RuleFor(r => r.ChildName)
            .Cascade(CascadeMode.Stop)
            .NotEmpty()
            .WithMessage(_ => text["Tell us the child's name."])
            .Length(1, 40)
            .WithMessage(_ => text["The name must be 1 to 40 characters."])
            .Must(BeAName)
            .WithMessage(_ => text["The name may only contain letters, spaces, hyphens and apostrophes."]);
        RuleFor(r => r.AgeGroup)
            .Cascade(CascadeMode.Stop)
            .NotEmpty()
            .WithMessage(_ => text["Choose an age band."])
            .Must(a => StoryCatalog.AgeBands.Any(b => b.Id == a))
            .WithMessage(_ =>
                text["Age band must be one of {0}.", string.Join(", ", StoryCatalog.AgeBands.Select(b => b.Id))]
            );
        RuleFor(r => r.Genre)
            .Cascade(CascadeMode.Stop)
            .NotEmpty()
            .WithMessage(_ => text["Choose a theme."])
            .Must(g => StoryCatalog.Genres.Contains(g!))
            .WithMessage(_ => text["Theme must be one of {0}.", string.Join(", ", StoryCatalog.Genres)]);
        RuleFor(r => r.Language)
            .Must(l => l is null || StoryCatalog.Languages.ContainsKey(l))
            .WithMessage(_ => text["Language must be one of {0}.", string.Join(", ", StoryCatalog.Languages.Keys)]);
        RuleFor(r => r.Moral)
            .MaximumLength(200)
            .WithMessage(_ => text["The moral can be at most 200 characters."])
            .Must(m => m is null || !m.Any(char.IsControl))
            .WithMessage(_ => text["The moral may not contain control characters."])
            .Must(m => !PromptSafety.LooksLikeInstructions(m))
            .WithMessage(_ =>
                text["The moral reads like instructions to the story writer; describe the lesson instead."]
            );
        RuleFor(r => r.Companions).Must(c => c is null || c.Count <= 3).WithMessage(_ => text["At most 3 companions."]);
        RuleForEach(r => r.Companions)
            .ChildRules(c =>
            {
                c.RuleFor(x => x.Name)
                    .Cascade(CascadeMode.Stop)
                    .NotEmpty()
                    .WithMessage(_ => text["Each companion needs a name."])
                    .Length(1, 40)
                    .WithMessage(_ => text["A companion's name must be 1 to 40 characters."])
                    .Must(BeAName)
                    .WithMessage(_ =>
                        text["A companion's name may only contain letters, spaces, hyphens and apostrophes."]
                    );
                c.RuleFor(x => x.Kind)
                    .Must(k => StoryCatalog.Kind(k ?? "") is not null)
                    .WithMessage(_ =>
                        text[
                            "A companion's kind must be one of {0}.",
                            string.Join(", ", StoryCatalog.CompanionKinds.Select(k => k.Id))
                        ]
                    );
            });
    }

    private static bool BeAName(string? name) => name is not null && NamePattern().IsMatch(name.Trim());

    [System.Text.RegularExpressions.GeneratedRegex(@"^\p{L}[\p{L}\p{M} '\-’]{0,39}$")]
    private static partial System.Text.RegularExpressions.Regex NamePattern();
}
