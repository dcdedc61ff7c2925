using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Query;

namespace StorybookShop.Data;

/// <summary>
/// The one owner of a story's status: every change of it is one of these transitions, each stated once with the
/// states it may start from. A transition is applied to a tracked story (<see cref="Transition.Apply(Story,
/// DateTimeOffset)"/>), in a set-based update (<see cref="Transition.Allowed"/> in the <c>WHERE</c>,
/// <see cref="Transition.Set"/> among the setters), or in raw SQL (<see cref="Transition.SqlAllowed"/>) — the same
/// rule in all three. A story that is not in a transition's source states is left as it is.
/// </summary>
public static class StoryLifecycle
{
    /// <summary>One change of status: from any of <see cref="From"/> to <see cref="To"/>.</summary>
    public sealed class Transition(string name, StoryStatus to, params StoryStatus[] from)
    {
        public string Name { get; } = name;
        public StoryStatus To { get; } = to;
        public IReadOnlyList<StoryStatus> From { get; } = from;

        public bool Allows(StoryStatus status) => from.Contains(status);

        /// <summary>The source states as a predicate EF Core translates (<c>status IN (…)</c>).</summary>
        public Expression<Func<Story, bool>> Allowed
        {
            get
            {
                var states = from;
                return s => states.Contains(s.Status);
            }
        }

        /// <summary>The source states for raw SQL over <c>stories</c> aliased <paramref name="alias"/>.</summary>
        public string SqlAllowed(string alias) =>
            $"{alias}.status IN ({string.Join(", ", from.Select(s => $"'{s}'"))})";

        /// <summary>The status and time setters of a set-based update (with <see cref="Allowed"/> in its
        /// WHERE).</summary>
        public UpdateSettersBuilder<Story> Set(UpdateSettersBuilder<Story> update, DateTimeOffset now) =>
            update.SetProperty(s => s.Status, To).SetProperty(s => s.UpdatedAt, now);

        /// <summary>The status setter for an update that changes other columns whatever the status: the status moves
        /// only from a source state (<c>CASE WHEN status IN (…) THEN … ELSE status END</c>).</summary>
        public UpdateSettersBuilder<Story> SetWhereAllowed(UpdateSettersBuilder<Story> update)
        {
            var (states, to) = (from, To);
            return update.SetProperty(s => s.Status, s => states.Contains(s.Status) ? to : s.Status);
        }

        /// <summary>The same, in raw SQL: the new value of <c>status</c> for a row aliased <paramref
        /// name="alias"/>.</summary>
        public string SqlStatus(string alias) => $"CASE WHEN {SqlAllowed(alias)} THEN '{To}' ELSE {alias}.status END";

        /// <summary>Applies the transition to a tracked story; false (and nothing changed) when its status is not a
        /// source state.</summary>
        public bool Apply(Story story, DateTimeOffset now)
        {
            if (!Allows(story.Status))
                return false;
            story.Status = To;
            story.UpdatedAt = now;
            return true;
        }

        public override string ToString() => Name;
    }

    /// <summary>A preview is drawn (text, cover, first pages); the rest waits for payment.</summary>
    public static readonly Transition Preview = new("preview", StoryStatus.Preview, StoryStatus.Generating);

    /// <summary>Paid for: a preview goes on to become the whole book.</summary>
    public static readonly Transition Release = new("release", StoryStatus.Generating, StoryStatus.Preview);

    /// <summary>The book is laid out.</summary>
    public static readonly Transition Complete = new("complete", StoryStatus.Complete, StoryStatus.Generating);

    /// <summary>A stage failed for good (after its retries, or refused): the story says why.</summary>
    public static readonly Transition Fail = new("fail", StoryStatus.Error, StoryStatus.Generating);

    /// <summary>Work stops from outside: the app uninstalled, the order refunded or cancelled.</summary>
    public static readonly Transition Stop = new(
        "stop",
        StoryStatus.Error,
        StoryStatus.Generating,
        StoryStatus.Preview
    );

    /// <summary>A failed story tried again (the merchant's Retry, or its failed stage requeued from the
    /// dashboard).</summary>
    public static readonly Transition Retry = new("retry", StoryStatus.Generating, StoryStatus.Error);

    /// <summary>Back into the pipeline: a failed or finished story with a page to make again.</summary>
    public static readonly Transition Reopen = new(
        "reopen",
        StoryStatus.Generating,
        StoryStatus.Error,
        StoryStatus.Complete
    );

    /// <summary>Put away: it leaves the lists and makes nothing more (a published book is unpublished first).</summary>
    public static readonly Transition Archive = new(
        "archive",
        StoryStatus.Archived,
        StoryStatus.Draft,
        StoryStatus.Generating,
        StoryStatus.Preview,
        StoryStatus.Complete,
        StoryStatus.Error
    );

    /// <summary>On sale as its own Shopify product (publishing again is harmless).</summary>
    public static readonly Transition Publish = new(
        "publish",
        StoryStatus.Published,
        StoryStatus.Complete,
        StoryStatus.Published
    );

    /// <summary>Off the Online Store; the book is complete again.</summary>
    public static readonly Transition Unpublish = new("unpublish", StoryStatus.Complete, StoryStatus.Published);

    public static IReadOnlyList<Transition> All { get; } =
    [Preview, Release, Complete, Fail, Stop, Retry, Reopen, Archive, Publish, Unpublish];

    /// <summary>A new story starts here: it is made at once.</summary>
    public const StoryStatus Initial = StoryStatus.Generating;
}
