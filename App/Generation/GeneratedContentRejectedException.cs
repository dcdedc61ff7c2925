using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Storage;
using StorybookShop.Stories;

namespace StorybookShop.Generation;

/// <summary>Generated content that must not be used; retrying the stage would not change that.</summary>
public sealed class GeneratedContentRejectedException(string message) : Exception(message);
