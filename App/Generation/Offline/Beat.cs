namespace StorybookShop.Generation.Offline;

public sealed record Beat(
    int Number,
    int Level,
    string Setting,
    string Time,
    IReadOnlyList<string> Cast,
    string? Prop,
    string Mood,
    bool Moral,
    IReadOnlyDictionary<string, string[]> Lines
);
