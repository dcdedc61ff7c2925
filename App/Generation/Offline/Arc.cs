namespace StorybookShop.Generation.Offline;

public sealed record Arc(string Id, IReadOnlyDictionary<string, string> DefaultMoral, IReadOnlyList<Beat> Beats);
