using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StorybookShop.Data.Configuration;

public sealed class BookChargeConfiguration : IEntityTypeConfiguration<BookCharge>
{
    public void Configure(EntityTypeBuilder<BookCharge> builder)
    {
        builder.ToTable("book_charges");
        builder.Property(c => c.OrderId).HasMaxLength(64);
        builder.Property(c => c.LineItemId).HasMaxLength(64);
        builder.Property(c => c.SubscriptionId).HasMaxLength(100);
        builder.Property(c => c.Currency).HasMaxLength(3);
        builder.Property(c => c.IdempotencyKey).HasMaxLength(255);
        builder.Property(c => c.Status).HasMaxLength(16);
        builder.Property(c => c.UsageRecordId).HasMaxLength(100);
        builder.Property(c => c.Error).HasMaxLength(1000);
        builder.Property(c => c.Amount).HasPrecision(12, 2);
        builder
            .HasIndex(c => new
            {
                c.StoryId,
                c.OrderId,
                c.LineItemId,
            })
            .IsUnique();
        builder.HasIndex(c => c.IdempotencyKey).IsUnique();
        builder.HasIndex(c => new
        {
            c.ShopId,
            c.SubscriptionId,
            c.PeriodStart,
        });
        builder.HasOne<Shop>().WithMany().HasForeignKey(c => c.ShopId).OnDelete(DeleteBehavior.Cascade);
    }
}
