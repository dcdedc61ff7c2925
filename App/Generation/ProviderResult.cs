namespace StorybookShop.Generation;

/// <summary>A provider's answer plus what the ledger should know about the call.</summary>
public sealed record ProviderResult<T>(T Value, string Model, decimal Cost, object? Details = null);
