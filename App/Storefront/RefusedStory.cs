namespace StorybookShop.Storefront;

/// <summary>A book named by a paid order on a line that does not pay for it, and why.</summary>
public sealed record RefusedStory(Guid ShopId, Guid StoryId, string Reason);
