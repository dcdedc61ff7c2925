namespace StorybookShop.Generation.Offline;

public sealed class OfflineIllustrationOptions
{
    /// <summary>Square picture size in pixels. 1536 px over an 8.75 in bleed page is ~175 DPI.</summary>
    public int SizePx { get; set; } = 1536;
    public int JpegQuality { get; set; } = 86;
}
