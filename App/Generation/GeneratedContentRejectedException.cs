namespace StorybookShop.Generation;

/// <summary>Generated content that must not be used; retrying the stage would not change that.</summary>
public sealed class GeneratedContentRejectedException(string message) : Exception(message);
