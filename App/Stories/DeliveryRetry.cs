namespace StorybookShop.Stories;

/// <summary>A delivery retry accepted: how many buyers' deliveries will be tried again.</summary>
public sealed record DeliveryRetry(Guid StoryId, int Deliveries);
