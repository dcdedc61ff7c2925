using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StorybookShop.Data.Configuration;

public sealed class ExperimentConfiguration : IEntityTypeConfiguration<Experiment>
{
    public void Configure(EntityTypeBuilder<Experiment> builder)
    {
        builder.ToTable("experiments");
        builder.Property(x => x.Name).HasMaxLength(80);
        builder.Property(x => x.ChosenArm).HasMaxLength(40);
        builder.Property(x => x.Arms).IsJson();
        builder.HasIndex(x => new { x.ShopId, x.CreatedAt });
        builder.HasOne<Shop>().WithMany().HasForeignKey(x => x.ShopId).OnDelete(DeleteBehavior.Cascade);
    }
}
