using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Admin;
using StorybookShop.Data;
using StorybookShop.Hosting;
using StorybookShop.Shopify;

namespace StorybookShop.Experiments;

/// <summary>
/// A shop's text-model experiments: create one (arms, split, window), read its numbers per arm, stop it with the arm
/// new stories get from then on (its writer becomes the shop's). One experiment runs at a time per shop.
/// </summary>
public static class ExperimentApi
{
    public static WebApplication MapExperiments(this WebApplication app)
    {
        var group = app.MapShopApi("/api/experiments", "Experiments");
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync).Validated<ExperimentRequest>().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:guid}", GetAsync);
        group
            .MapPost("/{id:guid}/stop", StopAsync)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    internal static async Task<Ok<List<ExperimentView>>> ListAsync(
        CurrentShop current,
        AppDbContext db,
        TimeProvider clock,
        CancellationToken ct
    ) => TypedResults.Ok(await ViewsAsync(db, current.Id, clock.GetUtcNow(), ct));

    /// <summary>The shop's latest experiments, newest first, with their numbers.</summary>
    internal static async Task<List<ExperimentView>> ViewsAsync(
        AppDbContext db,
        Guid shopId,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var experiments = await db
            .Experiments.AsNoTracking()
            .Where(e => e.ShopId == shopId)
            .OrderByDescending(e => e.CreatedAt)
            .Take(20)
            .ToListAsync(ct);
        var views = new List<ExperimentView>();
        foreach (var e in experiments)
            views.Add(await ViewAsync(db, e, now, ct));
        return views;
    }

    internal static async Task<Results<Ok<ExperimentView>, NotFound>> GetAsync(
        Guid id,
        CurrentShop current,
        AppDbContext db,
        TimeProvider clock,
        CancellationToken ct
    ) =>
        await db.Experiments.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id && e.ShopId == current.Id, ct) is { } e
            ? TypedResults.Ok(await ViewAsync(db, e, clock.GetUtcNow(), ct))
            : TypedResults.NotFound();

    internal static async Task<Results<Created<ExperimentView>, ProblemHttpResult>> CreateAsync(
        ExperimentRequest request,
        CurrentShop current,
        AppDbContext db,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var now = clock.GetUtcNow();
        var starts = request.StartsAt ?? now;
        var ends = request.EndsAt ?? starts.AddDays(30);
        // One at a time: two experiments over the same stories would each see the other's arms as noise.
        if (
            await db.Experiments.AnyAsync(
                e =>
                    e.ShopId == current.Id
                    && e.StoppedAt == null
                    && e.EndsAt > now
                    && e.StartsAt < ends
                    && starts < e.EndsAt,
                ct
            )
        )
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Another experiment runs in that window.",
                detail: "Stop it first, or start this one after it ends."
            );
        var experiment = new Experiment
        {
            Id = Guid.NewGuid(),
            ShopId = current.Id,
            Name = request.Name!.Trim(),
            StartsAt = starts,
            EndsAt = ends,
            CreatedAt = now,
            Arms =
            [
                .. request.Arms!.Select(a => new ExperimentArm(
                    a.Key!,
                    a.Provider!,
                    Blank(a.Model),
                    Blank(a.PromptVariant),
                    a.Weight ?? 1
                )),
            ],
        };
        db.Experiments.Add(experiment);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/experiments/{experiment.Id}", await ViewAsync(db, experiment, now, ct));
    }

    internal static async Task<Results<Ok<ExperimentView>, NotFound, ValidationProblem, ProblemHttpResult>> StopAsync(
        Guid id,
        StopExperimentRequest? request,
        CurrentShop current,
        AppDbContext db,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var experiment = await db.Experiments.SingleOrDefaultAsync(e => e.Id == id && e.ShopId == current.Id, ct);
        if (experiment is null)
            return TypedResults.NotFound();
        if (experiment.StoppedAt is not null)
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The experiment is already stopped."
            );
        var arm = experiment.Arms.FirstOrDefault(a => a.Key == request?.Arm);
        if (arm is null)
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]>
                {
                    ["arm"] =
                    [
                        $"Choose the arm new stories get: {string.Join(", ", experiment.Arms.Select(a => a.Key))}.",
                    ],
                }
            );
        var now = clock.GetUtcNow();
        experiment.StoppedAt = now;
        experiment.ChosenArm = arm.Key;
        // From now on every new story gets the chosen arm's writer: it becomes the shop's.
        var settings = current.Shop.Settings with
        {
            TextProvider = arm.Provider,
            TextModel = arm.Model,
            PromptVariant = arm.PromptVariant,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await db
            .Shops.Where(s => s.Id == current.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Settings, settings), ct);
        await tx.CommitAsync(ct);
        current.Shop.Settings = settings;
        return TypedResults.Ok(await ViewAsync(db, experiment, now, ct));
    }

    internal static async Task<ExperimentView> ViewAsync(
        AppDbContext db,
        Experiment e,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var arms = await ExperimentStats.ForAsync(db, e, ct);
        var status =
            e.StoppedAt is not null ? "stopped"
            : now < e.StartsAt ? "scheduled"
            : now >= e.EndsAt ? "ended"
            : "running";
        var differs = arms.SelectMany(
                a => arms.Where(b => string.CompareOrdinal(a.Key, b.Key) < 0),
                (a, b) => ExperimentStats.Separated(a.ConversionInterval, b.ConversionInterval)
            )
            .Any(x => x);
        return new ExperimentView(e.Id, e.Name, status, e.StartsAt, e.EndsAt, e.StoppedAt, e.ChosenArm, arms, differs);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
