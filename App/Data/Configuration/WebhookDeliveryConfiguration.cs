using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StorybookShop.Data.Configuration;

public sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("webhook_deliveries");
        builder.HasIndex(w => w.EventId).IsUnique();
        builder.HasIndex(w => new { w.Status, w.ReceivedAt });
        builder.Property(w => w.Status).HasConversion<string>().HasMaxLength(12);
        builder.Property(w => w.Payload).HasColumnType("jsonb");
        builder.Property(w => w.Topic).HasMaxLength(100);
        builder.Property(w => w.ShopDomain).HasMaxLength(255);
        builder.Property(w => w.EventId).HasMaxLength(100);
    }
}
