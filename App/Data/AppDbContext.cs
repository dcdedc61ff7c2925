using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace StorybookShop.Data;

public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Shop> Shops => Set<Shop>();
    public DbSet<Story> Stories => Set<Story>();
    public DbSet<StoryPage> StoryPages => Set<StoryPage>();
    public DbSet<Generation> Generations => Set<Generation>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<DataExport> DataExports => Set<DataExport>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<Experiment> Experiments => Set<Experiment>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var b = modelBuilder;
        b.Entity<Shop>(e =>
        {
            e.ToTable("shops");
            e.HasIndex(s => s.Domain).IsUnique();
            e.Property(s => s.Domain).HasMaxLength(255);
            e.HasIndex(s => s.ShopifyShopId);
            e.Property(s => s.MonthlyBudgetUsd).HasPrecision(12, 2);
            Json(e.Property(s => s.Settings));
            // Shops are also created by raw upserts (install, session-token first contact): they start with no settings.
            e.Property(s => s.Settings).HasDefaultValueSql("'{}'::jsonb");
        });

        b.Entity<Story>(e =>
        {
            e.ToTable("stories");
            e.HasOne(s => s.Shop).WithMany().HasForeignKey(s => s.ShopId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(s => s.Pages).WithOne().HasForeignKey(p => p.StoryId).OnDelete(DeleteBehavior.Cascade);
            e.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(s => s.ChildName).HasMaxLength(40);
            e.Property(s => s.AgeGroup).HasMaxLength(8);
            e.Property(s => s.Genre).HasMaxLength(40);
            e.Property(s => s.Language).HasMaxLength(8).HasDefaultValue("en");
            e.Property(s => s.MoralLesson).HasMaxLength(200);
            Json(e.Property(s => s.Companions));
            Json(e.Property(s => s.Characters));
            e.HasIndex(s => s.ShopifyProductId).IsUnique().HasFilter("shopify_product_id IS NOT NULL");
            e.HasIndex(s => new { s.ShopId, s.ShopifyCustomerId });
            e.HasIndex(s => new { s.ShopId, s.Status });
            e.HasIndex(s => new { s.ShopId, s.CreatedAt });
            e.HasIndex(s => s.Status);
            e.Property(s => s.Released).HasDefaultValue(true);
            e.HasIndex(s => new { s.ShopId, s.ShopifyOrderId });
            e.Property(s => s.ExperimentArm).HasMaxLength(40);
            e.HasIndex(s => new { s.ExperimentId, s.ExperimentArm });
            e.HasOne<Experiment>().WithMany().HasForeignKey(s => s.ExperimentId).OnDelete(DeleteBehavior.SetNull);
        });

        b.Entity<StoryPage>(e =>
        {
            e.ToTable("story_pages");
            e.HasIndex(p => new { p.StoryId, p.Number }).IsUnique();
            e.Property(p => p.ImageStage).HasConversion<string>().HasMaxLength(10);
            e.Property(p => p.AudioStage).HasConversion<string>().HasMaxLength(10);
            Json(e.Property(p => p.Scene));
            Json(e.Property(p => p.Words));
            e.Property(p => p.AudioRequestId).HasMaxLength(100);
            e.Property(p => p.Error).HasMaxLength(1000);
        });

        b.Entity<Generation>(e =>
        {
            e.ToTable("generations");
            e.Property(g => g.Type).HasConversion<string>().HasMaxLength(10);
            e.Property(g => g.Result).HasColumnType("jsonb");
            e.Property(g => g.Cost).HasPrecision(12, 6);
            e.Property(g => g.Provider).HasMaxLength(40);
            e.Property(g => g.Model).HasMaxLength(80);
            e.Property(g => g.ExperimentArm).HasMaxLength(40);
            e.HasIndex(g => g.StoryId);
            e.HasIndex(g => g.Type);
            e.HasOne<Story>().WithMany().HasForeignKey(g => g.StoryId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<WebhookDelivery>(e =>
        {
            e.ToTable("webhook_deliveries");
            e.HasIndex(w => w.EventId).IsUnique();
            e.HasIndex(w => new { w.Status, w.ReceivedAt });
            e.Property(w => w.Status).HasConversion<string>().HasMaxLength(12);
            e.Property(w => w.Payload).HasColumnType("jsonb");
            e.Property(w => w.Topic).HasMaxLength(100);
            e.Property(w => w.ShopDomain).HasMaxLength(255);
            e.Property(w => w.EventId).HasMaxLength(100);
        });

        b.Entity<DataExport>(e =>
        {
            e.ToTable("data_exports");
            e.Property(x => x.Payload).HasColumnType("jsonb");
            e.HasIndex(x => new { x.ShopId, x.CreatedAt });
            e.HasOne<Shop>().WithMany().HasForeignKey(x => x.ShopId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<DataProtectionKey>(e =>
        {
            e.ToTable("data_protection_keys");
            e.Property(k => k.Xml).IsRequired();
        });

        b.Entity<Delivery>(e =>
        {
            e.ToTable("deliveries");
            e.Property(d => d.OrderId).HasMaxLength(64);
            e.Property(d => d.LineItemId).HasMaxLength(64);
            e.Property(d => d.CustomerId).HasMaxLength(64);
            e.Property(d => d.Token).HasMaxLength(64);
            e.Property(d => d.FulfillmentId).HasMaxLength(100);
            e.Property(d => d.FailureReason).HasMaxLength(1000);
            e.HasIndex(d => d.Token).IsUnique();
            e.HasIndex(d => new { d.StoryId, d.OrderId, d.LineItemId }).IsUnique();
            e.HasIndex(d => new { d.ShopId, d.CustomerId });
            e.HasIndex(d => new { d.ShopId, d.OrderId });
            e.HasOne<Story>().WithMany().HasForeignKey(d => d.StoryId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Shop>().WithMany().HasForeignKey(d => d.ShopId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<Experiment>(e =>
        {
            e.ToTable("experiments");
            e.Property(x => x.Name).HasMaxLength(80);
            e.Property(x => x.ChosenArm).HasMaxLength(40);
            Json(e.Property(x => x.Arms));
            e.HasIndex(x => new { x.ShopId, x.CreatedAt });
            e.HasOne<Shop>().WithMany().HasForeignKey(x => x.ShopId).OnDelete(DeleteBehavior.Cascade);
        });
        SnakeCaseNames(b);
    }

    // Postgres folds unquoted names to lower case; snake_case keeps hand-written SQL readable.
    private static void SnakeCaseNames(ModelBuilder b)
    {
        foreach (var entity in b.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
                property.SetColumnName(Snake(property.Name));
            foreach (var key in entity.GetKeys())
                key.SetName(Snake(key.GetName()!));
            foreach (var fk in entity.GetForeignKeys())
                fk.SetConstraintName(Snake(fk.GetConstraintName()!));
            foreach (var index in entity.GetIndexes())
                index.SetDatabaseName(Snake(index.GetDatabaseName()!));
        }
    }

    internal static string Snake(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && (char.IsLower(name[i - 1]) || (i + 1 < name.Length
                    && char.IsLower(name[i + 1]))))
                    sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    // Small value objects live in jsonb columns; the comparer makes EF see in-place list changes.
    private static void Json<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.PropertyBuilder<T> property)
    {
        property.HasColumnType("jsonb").HasConversion(new ValueConverter<T, string>(
                v => JsonSerializer.Serialize(v, JsonOptions),
                s => JsonSerializer.Deserialize<T>(s, JsonOptions)!),
            new ValueComparer<T>(
                (a, c) => JsonSerializer.Serialize(a, JsonOptions) == JsonSerializer.Serialize(c, JsonOptions),
                v => JsonSerializer.Serialize(v, JsonOptions).GetHashCode(StringComparison.Ordinal),
                v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, JsonOptions), JsonOptions)!));
    }
}
