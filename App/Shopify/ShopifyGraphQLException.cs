using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace StorybookShop.Shopify;

/// <summary>GraphQL errors other than throttling (a bad query, a missing permission).</summary>
public sealed class ShopifyGraphQLException(string message) : Exception(message);
