using Microsoft.AspNetCore.Http.HttpResults;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Generation;
using StorybookShop.Shopify;
using StorybookShop.Storage;

namespace StorybookShop.Storefront;

public sealed class DeliveryOptions
{
    public const string Section = "Delivery";
    /// <summary>How long a buyer's download page works.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(30);
    /// <summary>The app's public base URL for download links in Shopify's email; empty: Shopify:AppUrl.</summary>
    public string? PublicBaseUrl { get; set; }
}
