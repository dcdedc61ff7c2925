namespace StorybookShop.Publishing;

/// <summary>Publishing cannot happen as things are (not complete, no sales channel); retrying would not help.</summary>
public sealed class PublishRefusedException(string message) : Exception(message);
