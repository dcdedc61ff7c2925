using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace StorybookShop.Shopify;

/// <summary>Decrypts key ring entries with the current or the previous KEK (Data Protection creates it by
/// type).</summary>
public sealed class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KeyRingOptions>>().Value;
        var id = encryptedElement.Attribute("kekId")?.Value;
        var kek = new[] { options.KeyEncryptionKey, options.PreviousKeyEncryptionKey }
            .Select(KeyRingOptions.Decode)
            .OfType<byte[]>()
            .FirstOrDefault(k => KeyRingEncryptor.KekId(k) == id)
            ?? throw new CryptographicException(
                "The key ring entry was encrypted with a key-encryption key this node does not have."
            );
        var blob = Convert.FromBase64String(encryptedElement.Element("value")!.Value);
        var plain = new byte[blob.Length - 28];
        using (var aes = new AesGcm(kek, 16))
            aes.Decrypt(blob.AsSpan(0, 12), blob.AsSpan(28), blob.AsSpan(12, 16), plain);
        return XElement.Parse(System.Text.Encoding.UTF8.GetString(plain));
    }
}
