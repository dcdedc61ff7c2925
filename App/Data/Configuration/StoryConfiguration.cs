using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StorybookShop.Data.Configuration;

public sealed class StoryConfiguration : IEntityTypeConfiguration<Story>
{
    public void Configure(EntityTypeBuilder<Story> builder)
    {
        builder.ToTable("stories");
        builder.HasOne(s => s.Shop).WithMany().HasForeignKey(s => s.ShopId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(s => s.Pages).WithOne().HasForeignKey(p => p.StoryId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.ChildName).HasMaxLength(40);
        builder.Property(s => s.AgeGroup).HasMaxLength(8);
        builder.Property(s => s.Genre).HasMaxLength(40);
        builder.Property(s => s.Language).HasMaxLength(8).HasDefaultValue("en");
        builder.Property(s => s.MoralLesson).HasMaxLength(200);
        builder.Property(s => s.Companions).IsJson();
        builder.Property(s => s.Characters).IsJson();
        builder.HasIndex(s => s.ShopifyProductId).IsUnique().HasFilter("shopify_product_id IS NOT NULL");
        builder.HasIndex(s => new { s.ShopId, s.ShopifyCustomerId });
        builder.HasIndex(s => new { s.ShopId, s.Status });
        builder.HasIndex(s => new { s.ShopId, s.CreatedAt });
        builder.HasIndex(s => s.Status);
        builder.Property(s => s.Released).HasDefaultValue(true);
        builder.HasIndex(s => new { s.ShopId, s.ShopifyOrderId });
        builder.Property(s => s.ExperimentArm).HasMaxLength(40);
        builder.HasIndex(s => new { s.ExperimentId, s.ExperimentArm });
        builder.HasOne<Experiment>().WithMany().HasForeignKey(s => s.ExperimentId).OnDelete(DeleteBehavior.SetNull);
    }
}
