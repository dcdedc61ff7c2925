using Hangfire.Common;

namespace StorybookShop.Jobs;

/// <summary>
/// A kind of story job, contributed by the feature that owns it (<see cref="JobsExtensions.AddStoryJob"/>): how to
/// make one for a story, how to recognise one, and what its final failure or a requeue means for the story. The job
/// engine itself knows no feature.
/// </summary>
/// <param name="Create">The Hangfire job for a story.</param>
/// <param name="Matches">Whether a Hangfire job is one of this kind (its first argument is the story id).</param>
public sealed record StoryJobDefinition(StoryJobKind Kind, Func<Guid, Job> Create, Func<Job, bool> Matches)
{
    /// <summary>After the last attempt (Hangfire applies FailedState only then): story id, attempts, the
    /// cause.</summary>
    public Action<IServiceProvider, Guid, int, Exception>? Failed { get; init; }

    /// <summary>A failed job of this kind requeued from the dashboard.</summary>
    public Action<IServiceProvider, Guid>? Requeued { get; init; }
}
