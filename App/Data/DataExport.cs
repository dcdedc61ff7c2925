namespace StorybookShop.Data;

/// <summary>What we hold about one customer, produced for a customers/data_request.</summary>
public sealed class DataExport
{
    public Guid Id { get; set; }
    public Guid ShopId { get; set; }
    public required string CustomerId { get; set; }
    public string? DataRequestId { get; set; }
    public required string Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
