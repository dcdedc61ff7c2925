namespace StorybookShop.Data;

/// <summary>One spoken word and where it sits in the page's audio, in seconds.</summary>
public sealed record WordTiming(string Word, double Start, double End);
