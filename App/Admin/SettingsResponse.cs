using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.OpenAI;
using StorybookShop.Hosting;
using StorybookShop.Shopify;
using StorybookShop.Stories;

namespace StorybookShop.Admin;

public sealed record SettingsResponse(SettingsView Settings, SettingsOptionsView Options);
