using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StorybookShop.Data.Configuration;

public sealed class SubscriptionConfiguration : IEntityTypeConfiguration<Subscription>
{
    public void Configure(EntityTypeBuilder<Subscription> builder)
    {
        builder.ToTable("subscriptions");
        builder.HasKey(s => s.ShopId);
        builder.Property(s => s.PlanHandle).HasMaxLength(64);
        builder.Property(s => s.ShopifyId).HasMaxLength(100);
        builder.Property(s => s.Status).HasMaxLength(16);
        builder.Property(s => s.UsageLineItemId).HasMaxLength(200);
        builder.Property(s => s.Currency).HasMaxLength(3);
        builder.Property(s => s.CappedAmount).HasPrecision(12, 2);
        builder.Property(s => s.BalanceUsed).HasPrecision(12, 2);
        builder.Property(s => s.RequestedCap).HasPrecision(12, 2);
        builder.HasOne<Shop>().WithOne().HasForeignKey<Subscription>(s => s.ShopId).OnDelete(DeleteBehavior.Cascade);
    }
}
