using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.OpenAI;

namespace StorybookShop.Stories;

/// <summary>
/// The one create flow, for every door a book comes in by (the merchant API, the storefront, the sample book). The
/// request has been validated (<see cref="PersonalizationValidator"/>, by the endpoint's filter); here its free text
/// is screened against the shop's moderation thresholds, the shop's plan (<see cref="Billing.BillingGate"/>) and
/// monthly budget are checked, then the story is
/// committed and its pipeline started. Each door turns the outcome into its own answer. What the shopper reads is
/// in the request's language (<see cref="Storefront.ShopperLanguage"/>).
/// </summary>
public sealed class StoryCreation(
    AppDbContext db,
    StoryPipeline pipeline,
    IContentModerator moderator,
    ProviderCatalog providers,
    Budget budget,
    Billing.BillingGate billing,
    TimeProvider clock,
    IStringLocalizer<Catalog.ShopperText> text
)
{
    /// <summary>What a flagged field says (the key of its translations).</summary>
    private const string Unsuitable =
        "This text is not suitable for a children's book. "
        + "Say what to do, kindly (for example: Be gentle with your little brother).";

    public abstract record Outcome;

    public sealed record Created(Story Story) : Outcome;

    /// <summary>Fields the moderator flagged, named as the request names them.</summary>
    public sealed record Flagged(Dictionary<string, string[]> Fields) : Outcome;

    public sealed record OverBudget(Budget.Status Spent) : Outcome;

    /// <summary>The shop's plan does not allow a new book now (no plan, frozen, previews used, cap reached).</summary>
    public sealed record NotTaking(Billing.BillingGate.Closed Closed) : Outcome;

    /// <param name="shape">Sets what the door decides before the story is saved (released, the customer).</param>
    public async Task<Outcome> CreateAsync(
        PersonalizationRequest request,
        Shop shop,
        Action<Story>? shape,
        CancellationToken ct
    )
    {
        if (await ModerateAsync(request, shop.Settings.ModerationThresholds, ct) is { Count: > 0 } flagged)
            return new Flagged(flagged);
        if (MoralInAnotherLanguage(request, shop) is { } moral)
            return new Flagged(moral);
        if (await billing.CheckAsync(db, shop, ct) is { } closed)
            return new NotTaking(closed);
        if (await budget.ForShopAsync(db, shop, ct) is { Exhausted: true } spent)
            return new OverBudget(spent);
        var now = clock.GetUtcNow();
        var story = NewStory(request, shop.Id, now);
        shape?.Invoke(story);
        await Experiments.ExperimentAssignment.AssignAsync(db, story, now, ct);
        db.Stories.Add(story);
        await db.SaveChangesAsync(ct);
        await pipeline.TryAdvanceAsync(story.Id, ct);
        return new Created(story);
    }

    /// <summary>The 422 for personalization the moderator flagged, field by field.</summary>
    public ProblemHttpResult FlaggedProblem(Flagged flagged) =>
        TypedResults.Problem(
            new Microsoft.AspNetCore.Mvc.ValidationProblemDetails(flagged.Fields)
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = text["Some of the personalization cannot be used in a children's book."],
            }
        );

    /// <summary>
    /// The offline writer prints the moral as the shopper wrote it: one in another language than the book's is
    /// refused, naming both (a model writes the moral in the book's language itself, so it passes).
    /// </summary>
    private Dictionary<string, string[]>? MoralInAnotherLanguage(PersonalizationRequest r, Shop shop)
    {
        var book = r.Language ?? "en";
        if (
            string.IsNullOrWhiteSpace(r.Moral)
            || providers.Chosen(ProviderKind.Text, shop.Settings) != Providers.Offline
            || Catalog.LanguageGuess.Of(r.Moral) is not { } written
            || written == book
        )
            return null;
        var names = Catalog.StoryCatalog.Languages;
        return new()
        {
            ["moral"] =
            [
                text[
                    "The moral is written in {0}, the book in {1}: write it in {1}, it is printed as it is written.",
                    names[written],
                    names.GetValueOrDefault(book, book)
                ].Value,
            ],
        };
    }

    /// <summary>Every free-text field the shopper wrote, screened together; the flagged ones are named.</summary>
    private async Task<Dictionary<string, string[]>> ModerateAsync(
        PersonalizationRequest r,
        IReadOnlyDictionary<string, double>? thresholds,
        CancellationToken ct
    )
    {
        var fields = new List<(string Field, string Text)> { ("childName", r.ChildName!) };
        if (!string.IsNullOrWhiteSpace(r.Moral))
            fields.Add(("moral", r.Moral));
        fields.AddRange((r.Companions ?? []).Select((c, i) => ($"companions[{i}].name", c.Name!)));
        var flags = await moderator.FlaggedAsync(fields.Select(f => f.Text).ToList(), thresholds, ct);
        return fields
            .Zip(flags)
            .Where(x => x.Second)
            .ToDictionary(x => x.First.Field, _ => new[] { text[Unsuitable].Value });
    }

    public static Story NewStory(PersonalizationRequest r, Guid shopId, DateTimeOffset now) =>
        new()
        {
            Id = Guid.NewGuid(),
            ShopId = shopId,
            ChildName = r.ChildName!.Trim(),
            AgeGroup = r.AgeGroup!,
            Genre = r.Genre!,
            Language = r.Language ?? "en",
            MoralLesson = string.IsNullOrWhiteSpace(r.Moral)
                ? null
                : Generation.Offline.OfflineStoryWriter.Sentence(r.Moral),
            Companions = (r.Companions ?? []).Select(c => new Companion(c.Name!.Trim(), c.Kind!)).ToList(),
            Status = StoryLifecycle.Initial,
            CreatedAt = now,
            UpdatedAt = now,
            GenerationStartedAt = now,
        };
}
