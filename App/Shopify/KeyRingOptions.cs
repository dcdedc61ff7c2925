namespace StorybookShop.Shopify;

/// <summary>
/// The key-encryption key (KEK) for the Data Protection key ring (section <c>DataProtection</c>). The key ring is
/// stored in PostgreSQL and encrypts every shop's access tokens: without a KEK a database dump would decrypt them.
/// </summary>
public sealed class KeyRingOptions
{
    public const string Section = "DataProtection";

    /// <summary>32 random bytes, base64 (<c>openssl rand -base64 32</c>), kept outside the database (a secret
    /// store).</summary>
    public string KeyEncryptionKey { get; set; } = "";

    /// <summary>The previous KEK after a rotation: keys written with it can still be read.</summary>
    public string PreviousKeyEncryptionKey { get; set; } = "";

    public static byte[]? Decode(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
            return null;
        var key = Convert.FromBase64String(base64.Trim());
        return key.Length == 32
            ? key
            : throw new InvalidOperationException("DataProtection:KeyEncryptionKey must be 32 bytes, base64-encoded.");
    }
}
