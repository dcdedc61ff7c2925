using StorybookShop.Data;

namespace StorybookShop.Generation;

/// <summary>One stage of one story. Stages skip work whose output exists, so a retry or a recovery after a crash
/// resumes.</summary>
public interface IPipelineStage
{
    PipelineStages Stage { get; }
    Task RunAsync(Guid storyId, CancellationToken ct);
}
