using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace StorybookShop.Shopify;

/// <summary>Encrypts each key ring entry with AES-256-GCM under the KEK before it is stored.</summary>
public sealed class KeyRingEncryptor(byte[] kek) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plain = System.Text.Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(kek, 16))
            aes.Encrypt(nonce, plain, cipher, tag);
        var element = new XElement(
            "encryptedKey",
            new XAttribute("kekId", KekId(kek)),
            new XElement("value", Convert.ToBase64String([.. nonce, .. tag, .. cipher]))
        );
        return new EncryptedXmlInfo(element, typeof(KeyRingDecryptor));
    }

    /// <summary>Names a KEK without revealing it, so a reader can pick the right one after a rotation.</summary>
    public static string KekId(byte[] kek) => Convert.ToHexStringLower(SHA256.HashData(kek))[..16];
}
