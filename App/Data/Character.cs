namespace StorybookShop.Data;

public sealed record Character(string Name, string Role, string VisualDescription, string Kind);
