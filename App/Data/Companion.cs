namespace StorybookShop.Data;

public sealed record Companion(string Name, string Kind);
