namespace StorybookShop.Storefront;

/// <summary>One book paid for on one order line.</summary>
public sealed record PaidStory(string ShopDomain, Guid StoryId, string OrderId, string LineItemId, string? CustomerId);
