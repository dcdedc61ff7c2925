using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StorybookShop.Data.Configuration;

public sealed class GenerationConfiguration : IEntityTypeConfiguration<Generation>
{
    public void Configure(EntityTypeBuilder<Generation> builder)
    {
        builder.ToTable("generations");
        builder.Property(g => g.Type).HasConversion<string>().HasMaxLength(10);
        builder.Property(g => g.Result).HasColumnType("jsonb");
        builder.Property(g => g.Cost).HasPrecision(12, 6);
        builder.Property(g => g.Provider).HasMaxLength(40);
        builder.Property(g => g.Model).HasMaxLength(80);
        builder.Property(g => g.ExperimentArm).HasMaxLength(40);
        builder.HasIndex(g => g.StoryId);
        builder.HasIndex(g => g.Type);
        builder.HasOne<Story>().WithMany().HasForeignKey(g => g.StoryId).OnDelete(DeleteBehavior.Cascade);
    }
}
