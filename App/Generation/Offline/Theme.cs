using StorybookShop.Catalog;

namespace StorybookShop.Generation.Offline;

public sealed record Theme(
    string Id,
    IReadOnlyList<string> Settings,
    string CompanionKind,
    string CompanionName,
    IReadOnlyList<string> Palette,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string[]>> Words,
    IReadOnlyDictionary<string, string[]> Textures
);
