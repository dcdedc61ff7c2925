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

/// <summary>A page; <c>Words</c> are the narration's word timings (seconds into <c>AudioUrl</c>) for a read-along highlighter.</summary>
public sealed record PageView(int Number, string Text, string? ImageUrl, string? AudioUrl, string ImageStage, string AudioStage, double? AudioSeconds,
    IReadOnlyList<WordTiming>? Words, string? Error);
