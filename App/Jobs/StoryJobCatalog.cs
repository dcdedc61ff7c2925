using Hangfire.Common;

namespace StorybookShop.Jobs;

/// <summary>Every kind of story job the features registered: made, recognised and answered through here.</summary>
public sealed class StoryJobCatalog(IEnumerable<StoryJobDefinition> definitions)
{
    private readonly Dictionary<StoryJobKind, StoryJobDefinition> _byKind = definitions.ToDictionary(d => d.Kind);

    public StoryJobDefinition this[StoryJobKind kind] =>
        _byKind.TryGetValue(kind, out var d)
            ? d
            : throw new InvalidOperationException($"No feature registered story jobs of kind {kind}.");

    public Job Create(StoryJobKind kind, Guid storyId) => this[kind].Create(storyId);

    /// <summary>The story and kind of a job; null for jobs that are not about a story.</summary>
    public (Guid StoryId, StoryJobKind Kind)? Identify(Job? job)
    {
        if (job is null || job.Args.Count == 0 || job.Args[0] is not Guid storyId)
            return null;
        foreach (var d in _byKind.Values)
            if (d.Matches(job))
                return (storyId, d.Kind);
        return null;
    }
}
