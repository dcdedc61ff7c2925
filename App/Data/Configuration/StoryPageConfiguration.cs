using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StorybookShop.Data.Configuration;

public sealed class StoryPageConfiguration : IEntityTypeConfiguration<StoryPage>
{
    public void Configure(EntityTypeBuilder<StoryPage> builder)
    {
        builder.ToTable("story_pages");
        builder.HasIndex(p => new { p.StoryId, p.Number }).IsUnique();
        builder.Property(p => p.ImageStage).HasConversion<string>().HasMaxLength(10);
        builder.Property(p => p.AudioStage).HasConversion<string>().HasMaxLength(10);
        builder.Property(p => p.Scene).IsJson();
        builder.Property(p => p.Words).IsJson();
        builder.Property(p => p.AudioRequestId).HasMaxLength(100);
        builder.Property(p => p.Error).HasMaxLength(1000);
    }
}
