using StorybookShop.Data;

namespace StorybookShop.Tests.Data;

/// <summary>Every (state, transition) pair of a story's lifecycle, stated once: which are allowed and where they
/// lead — and the predicate EF Core translates and the raw SQL say the same.</summary>
public sealed class StoryLifecycleTests
{
    private const StoryStatus D = StoryStatus.Draft,
        G = StoryStatus.Generating,
        P = StoryStatus.Preview,
        C = StoryStatus.Complete,
        U = StoryStatus.Published,
        E = StoryStatus.Error,
        A = StoryStatus.Archived;

    /// <summary>transition → (from each state: the state it leads to, or null when not allowed).</summary>
    private static readonly Dictionary<string, Dictionary<StoryStatus, StoryStatus?>> Table = new()
    {
        //                        Draft    Generating  Preview  Complete  Published  Error   Archived
        ["preview"] = Row(null, P, null, null, null, null, null),
        ["release"] = Row(null, null, G, null, null, null, null),
        ["complete"] = Row(null, C, null, null, null, null, null),
        ["fail"] = Row(null, E, null, null, null, null, null),
        ["stop"] = Row(null, E, E, null, null, null, null),
        ["retry"] = Row(null, null, null, null, null, G, null),
        ["reopen"] = Row(null, null, null, G, null, G, null),
        ["archive"] = Row(A, A, A, A, null, A, null),
        ["publish"] = Row(null, null, null, U, U, null, null),
        ["unpublish"] = Row(null, null, null, null, C, null, null),
    };

    private static Dictionary<StoryStatus, StoryStatus?> Row(params StoryStatus?[] to) =>
        new[] { D, G, P, C, U, E, A }.Zip(to).ToDictionary(x => x.First, x => x.Second);

    public static IEnumerable<TestCaseData> Pairs() =>
        from t in StoryLifecycle.All
        from s in Enum.GetValues<StoryStatus>()
        select new TestCaseData(t.Name, s).SetName($"{t.Name} from {s}");

    [TestCaseSource(nameof(Pairs))]
    public void Each_transition_starts_only_from_its_states(string transition, StoryStatus from)
    {
        var t = StoryLifecycle.All.Single(x => x.Name == transition);
        var expected = Table[transition][from];
        var story = new Story
        {
            Id = Guid.NewGuid(),
            ChildName = "Ada",
            AgeGroup = "3-5",
            Genre = "space",
            Status = from,
        };
        var now = DateTimeOffset.UtcNow;

        Assert.That(t.Apply(story, now), Is.EqualTo(expected is not null));
        Assert.That(story.Status, Is.EqualTo(expected ?? from), "a story outside the source states is left as it is");
        Assert.That(
            t.Allowed.Compile()(
                new Story
                {
                    ChildName = "",
                    AgeGroup = "",
                    Genre = "",
                    Status = from,
                }
            ),
            Is.EqualTo(expected is not null),
            "the predicate EF Core translates"
        );
        Assert.That(
            t.SqlAllowed("s").Contains($"'{from}'", StringComparison.Ordinal),
            Is.EqualTo(expected is not null),
            "the raw SQL"
        );
    }

    [Test]
    public void The_table_covers_every_transition_the_lifecycle_states()
    {
        Assert.That(StoryLifecycle.All.Select(t => t.Name), Is.EquivalentTo(Table.Keys));
        Assert.That(
            StoryLifecycle.All.Select(t => t.To).Distinct(),
            Does.Not.Contain(StoryStatus.Draft),
            "nothing goes back to a draft"
        );
        Assert.That(StoryLifecycle.Initial, Is.EqualTo(StoryStatus.Generating), "a new story is made at once");
    }
}
