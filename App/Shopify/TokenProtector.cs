using Microsoft.AspNetCore.DataProtection;

namespace StorybookShop.Shopify;

/// <summary>Encrypts access and refresh tokens at rest; every node reads the same key ring from PostgreSQL.</summary>
public sealed class TokenProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("StorybookShop.Shopify.Tokens.v1");

    public string? Protect(string? token) => token is null ? null : _protector.Protect(token);

    public string? Unprotect(string? stored) => stored is null ? null : _protector.Unprotect(stored);
}
