namespace StorybookShop.Data;

/// <summary>The pipeline's stages. Flags, because illustrations and narration run side by side.</summary>
[Flags]
public enum PipelineStages
{
    None = 0,
    Text = 1,
    Illustrations = 2,
    Narration = 4,
    Book = 8,
    All = Text | Illustrations | Narration | Book,
}
