using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

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
        if (string.IsNullOrWhiteSpace(base64)) return null;
        var key = Convert.FromBase64String(base64.Trim());
        return key.Length == 32 ? key : throw new InvalidOperationException("DataProtection:KeyEncryptionKey must be 32 bytes, base64-encoded.");
    }
}

/// <summary>Encrypts each key ring entry with AES-256-GCM under the KEK before it is stored.</summary>
public sealed class KeyRingEncryptor(byte[] kek) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plain = System.Text.Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(kek, 16)) aes.Encrypt(nonce, plain, cipher, tag);
        var element = new XElement("encryptedKey",
            new XAttribute("kekId", KekId(kek)),
            new XElement("value", Convert.ToBase64String([.. nonce, .. tag, .. cipher])));
        return new EncryptedXmlInfo(element, typeof(KeyRingDecryptor));
    }

    /// <summary>Names a KEK without revealing it, so a reader can pick the right one after a rotation.</summary>
    public static string KekId(byte[] kek) => Convert.ToHexStringLower(SHA256.HashData(kek))[..16];
}

/// <summary>Decrypts key ring entries with the current or the previous KEK (Data Protection creates it by
/// type).</summary>
public sealed class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KeyRingOptions>>().Value;
        var id = encryptedElement.Attribute("kekId")?.Value;
        var kek = new[] { options.KeyEncryptionKey,
            options.PreviousKeyEncryptionKey }.Select(KeyRingOptions.Decode).OfType<byte[]>()
            .FirstOrDefault(k => KeyRingEncryptor.KekId(k) == id)
            ?? throw new CryptographicException("The key ring entry was encrypted with a key-encryption key this node does not have.");
        var blob = Convert.FromBase64String(encryptedElement.Element("value")!.Value);
        var plain = new byte[blob.Length - 28];
        using (var aes = new AesGcm(kek, 16)) aes.Decrypt(blob.AsSpan(0, 12), blob.AsSpan(28), blob.AsSpan(12, 16),
            plain);
        return XElement.Parse(System.Text.Encoding.UTF8.GetString(plain));
    }
}
