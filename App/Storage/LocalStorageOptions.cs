namespace StorybookShop.Storage;

public sealed class LocalStorageOptions
{
    public string Root { get; set; } = ".data/assets";

    /// <summary>Base URL of the app, for absolute asset links. Empty: links are relative to the app.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>HMAC key for signed URLs. Empty: a random key is kept in the asset root (shared by nodes that share the
    /// disk).</summary>
    public string? SigningKey { get; set; }
}
