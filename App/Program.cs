using StorybookShop.Admin;
using StorybookShop.Dashboard;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Health;
using StorybookShop.Hosting;
using StorybookShop.Jobs;
using StorybookShop.Shopify;
using StorybookShop.Shopify.Webhooks;
using StorybookShop.Storage;
using StorybookShop.Storefront;
using StorybookShop.Stories;
using StorybookShop.Telemetry;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<BadRequestHandler>();
builder.AddData();
builder.AddAssetStorage();
builder.AddShopify();
builder.AddStoryPipeline();
builder.AddJobs();
builder.AddJobsDashboard();
builder.AddSampleBook(args);
builder.AddRequestValidation();
builder.AddStories();
builder.AddApiDocs();
builder.AddHealth();
builder.AddTelemetry();

var app = builder.Build();

app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
await app.PrepareDatabaseAsync();
await app.PrepareAssetStorageAsync();

app.UseAppProxy();
app.UseRequestBodyLimits();
app.UseAuthentication();
app.UseAuthorization();

app.MapHealth();
app.MapAssets();
app.MapWebhooks();
app.MapOAuth();
app.MapStorefront();
app.MapDownloads();
app.MapAdmin();
app.MapDataExports();
app.MapStories();
app.MapStoryActions();
app.MapSettings();
app.MapStoryPages();
app.MapSettingsPage();
app.MapJobsDashboard();
app.MapApiDocs();

await app.RunAsync();

public partial class Program;
