using StorybookShop.Admin;
using StorybookShop.Billing;
using StorybookShop.Books;
using StorybookShop.Dashboard;
using StorybookShop.Data;
using StorybookShop.Experiments;
using StorybookShop.Generation;
using StorybookShop.Health;
using StorybookShop.Hosting;
using StorybookShop.Jobs;
using StorybookShop.Publishing;
using StorybookShop.Samples;
using StorybookShop.Shopify;
using StorybookShop.Shopify.Webhooks;
using StorybookShop.Storage;
using StorybookShop.Storefront;
using StorybookShop.Stories;
using StorybookShop.Telemetry;

var builder = WebApplication.CreateBuilder(
    new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory }
);

// Hosting: problem details, validation, security headers, API docs, health, telemetry.
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<BadRequestHandler>();
builder.AddRequestValidation();
builder.AddApiDocs();
builder.AddPages();
builder.AddHealth();
builder.AddTelemetry();
builder.KeepRequestLogsAtWarning();

// Data and assets.
builder.AddData();
builder.AddAssetStorage();

// Shopify: auth, tokens, Admin API; webhooks.
builder.AddShopify();
builder.AddWebhooks();

// Books: the create flow, the pipeline and its providers, jobs on Hangfire and their dashboard.
builder.AddStories();
builder.AddStoryPipeline();
builder.AddBooks();
builder.AddJobs();
builder.AddJobsDashboard();

// What merchants and shoppers see.
builder.AddAdmin();
builder.AddBilling();
builder.AddPublishing();
builder.AddStorefront();
builder.AddSampleBook(args);
builder.Services.AddCustomerBooksCors();

var app = builder.Build();

app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
await app.PrepareDatabaseAsync();
await app.ProtectKeyRingAsync();
await app.PrepareAssetStorageAsync();

app.UsePageAssets();
app.UseAppProxy();
app.UseShopperLanguage();
app.UseRequestBodyLimits();
app.UseCors();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();

app.MapHealth();
app.MapAssets();
app.MapWebhooks();
app.MapOAuth();
app.MapStorefront();
app.MapDownloads();
app.MapCustomerBooks();
app.MapAdmin();
app.MapDataExports();
app.MapStories();
app.MapStoryActions();
app.MapPrint();
app.MapSettings();
app.MapBookProduct();
app.MapBilling();
app.MapExperiments();
app.MapStoryPages();
app.MapSettingsPage();
app.MapPlanPage();
app.MapExperimentsPage();
app.MapJobsDashboard();
app.MapApiDocs();

await app.RunAsync();

public partial class Program;
