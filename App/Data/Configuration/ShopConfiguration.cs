using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StorybookShop.Data.Configuration;

public sealed class ShopConfiguration : IEntityTypeConfiguration<Shop>
{
    public void Configure(EntityTypeBuilder<Shop> builder)
    {
        builder.ToTable("shops");
        builder.HasIndex(s => s.Domain).IsUnique();
        builder.Property(s => s.Domain).HasMaxLength(255);
        builder.Property(s => s.IanaTimezone).HasMaxLength(64);
        builder.Property(s => s.CurrencyCode).HasMaxLength(3);
        builder.HasIndex(s => s.ShopifyShopId);
        builder.Property(s => s.MonthlyBudgetUsd).HasPrecision(12, 2);
        builder.Property(s => s.Settings).IsJson();
        // Shops are also created by raw upserts (install, session-token first contact): they start with no settings.
        builder.Property(s => s.Settings).HasDefaultValueSql("'{}'::jsonb");
    }
}
