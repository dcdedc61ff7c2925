using System.Xml.Linq;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Shopify;
using StorybookShop.Storage;

namespace StorybookShop.Publishing;

/// <summary>Publishing cannot happen as things are (not complete, no sales channel); retrying would not help.</summary>
public sealed class PublishRefusedException(string message) : Exception(message);
