using System.Diagnostics;
using StorybookShop.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Admin;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Generation.OpenAI;
using StorybookShop.Shopify;
using StorybookShop.Storage;

namespace StorybookShop.Stories;

public sealed record StoryStatusView(Guid Id, string Status, string? Stage, int PercentDone, string? Error);
