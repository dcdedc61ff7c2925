using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StorybookShop.Data.Configuration;

public sealed class DeliveryConfiguration : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> builder)
    {
        builder.ToTable("deliveries");
        builder.Property(d => d.OrderId).HasMaxLength(64);
        builder.Property(d => d.LineItemId).HasMaxLength(64);
        builder.Property(d => d.CustomerId).HasMaxLength(64);
        builder.Property(d => d.Token).HasMaxLength(64);
        builder.Property(d => d.FulfillmentId).HasMaxLength(100);
        builder.Property(d => d.FailureReason).HasMaxLength(1000);
        builder.HasIndex(d => d.Token).IsUnique();
        builder
            .HasIndex(d => new
            {
                d.StoryId,
                d.OrderId,
                d.LineItemId,
            })
            .IsUnique();
        builder.HasIndex(d => new { d.ShopId, d.CustomerId });
        builder.HasIndex(d => new { d.ShopId, d.OrderId });
        builder.HasOne<Story>().WithMany().HasForeignKey(d => d.StoryId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Shop>().WithMany().HasForeignKey(d => d.ShopId).OnDelete(DeleteBehavior.Cascade);
    }
}
