namespace StorybookShop.Data;

/// <summary>A Shopify store that installed the app, with its (encrypted) offline access token.</summary>
public sealed class Shop
{
    public Guid Id { get; set; }
    public required string Domain { get; set; }
    public string? Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? InstalledAt { get; set; }
    public DateTimeOffset? UninstalledAt { get; set; }

    /// <summary>Shopify's numeric shop id, as compliance webhooks send it.</summary>
    public long? ShopifyShopId { get; set; }
    public string? Scopes { get; set; }

    /// <summary>Encrypted with ASP.NET Data Protection; never logged.</summary>
    public string? AccessToken { get; set; }
    public DateTimeOffset? AccessTokenExpiresAt { get; set; }
    public string? RefreshToken { get; set; }
    public DateTimeOffset? RefreshTokenExpiresAt { get; set; }
    public bool NeedsReauth { get; set; }

    /// <summary>Provider spend allowed per calendar month (UTC), in USD; null =
    /// Generation:DefaultMonthlyBudgetUsd.</summary>
    public decimal? MonthlyBudgetUsd { get; set; }

    /// <summary>The shop's time zone as Shopify names it (<c>shop.ianaTimezone</c>, e.g. America/New_York); null until
    /// read.</summary>
    public string? IanaTimezone { get; set; }

    /// <summary>The shop's currency (<c>shop.currencyCode</c>, e.g. USD); null until read.</summary>
    public string? CurrencyCode { get; set; }

    /// <summary>The merchant's choices; anything left null falls back to the server's configuration.</summary>
    public ShopSettings Settings { get; set; } = new();
}
