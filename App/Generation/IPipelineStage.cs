using StorybookShop.Data;

namespace StorybookShop.Generation;

/// <summary>One stage of one story, handed the story its job loaded (with its pages and shop, not tracked). Stages skip
/// work whose output exists, so a retry or a recovery after a crash resumes.</summary>
public interface IPipelineStage
{
    PipelineStages Stage { get; }
    Task RunAsync(Story story, CancellationToken ct);
}
