namespace StorybookShop.Data;

/// <summary>What an offline illustrator needs to draw a page; AI illustrators use the prompt instead.</summary>
public sealed record Scene(string Setting, string TimeOfDay, IReadOnlyList<string> Cast, string? Prop, string Mood);
