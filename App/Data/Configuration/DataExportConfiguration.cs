using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StorybookShop.Data.Configuration;

public sealed class DataExportConfiguration : IEntityTypeConfiguration<DataExport>
{
    public void Configure(EntityTypeBuilder<DataExport> builder)
    {
        builder.ToTable("data_exports");
        builder.Property(x => x.Payload).HasColumnType("jsonb");
        builder.HasIndex(x => new { x.ShopId, x.CreatedAt });
        builder.HasOne<Shop>().WithMany().HasForeignKey(x => x.ShopId).OnDelete(DeleteBehavior.Cascade);
    }
}
