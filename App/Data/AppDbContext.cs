using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace StorybookShop.Data;

/// <summary>
/// The app's tables. Each entity's mapping is its own <see cref="IEntityTypeConfiguration{TEntity}"/> in
/// <c>Data/Configuration</c>; names are snake_case by convention (EFCore.NamingConventions), so hand-written SQL reads
/// as the tables do.
/// </summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Shop> Shops => Set<Shop>();
    public DbSet<Story> Stories => Set<Story>();
    public DbSet<StoryPage> StoryPages => Set<StoryPage>();
    public DbSet<Generation> Generations => Set<Generation>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<DataExport> DataExports => Set<DataExport>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<Subscription> Subscriptions => Set<Subscription>();
    public DbSet<BookCharge> BookCharges => Set<BookCharge>();
    public DbSet<Experiment> Experiments => Set<Experiment>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
}
