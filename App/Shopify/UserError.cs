using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace StorybookShop.Shopify;

public sealed record UserError(IReadOnlyList<string> Field, string Message, string? Code);
