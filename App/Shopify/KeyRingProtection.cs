using System.Xml;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using StorybookShop.Data;

namespace StorybookShop.Shopify;

/// <summary>
/// Key ring entries written before a key-encryption key was configured hold their master key in the clear (Data
/// Protection stores what it was given). At start, a node with a KEK encrypts each such entry in place, exactly as
/// Data Protection does when it writes one (<c>requiresEncryption</c> elements replaced by <c>encryptedSecret</c>),
/// so a database dump never holds a usable key.
/// </summary>
public static partial class KeyRingProtection
{
    private const string DataProtectionNamespace = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName RequiresEncryption = XName.Get("requiresEncryption", DataProtectionNamespace);
    private static readonly XName EncryptedSecret = XName.Get("encryptedSecret", DataProtectionNamespace);

    public static async Task<int> EncryptClearEntriesAsync(AppDbContext db, byte[] kek, CancellationToken ct)
    {
        var encryptor = new KeyRingEncryptor(kek);
        var changed = 0;
        foreach (var entry in await db.DataProtectionKeys.ToListAsync(ct))
        {
            if (entry.Xml is null)
                continue;
            var root = XElement.Parse(entry.Xml);
            var clear = root.DescendantsAndSelf()
                .Where(e => e.Attribute(RequiresEncryption) is { } a && XmlConvert.ToBoolean(a.Value))
                .ToList();
            if (clear.Count == 0)
                continue;
            foreach (var element in clear)
            {
                var info = encryptor.Encrypt(new XElement(element));
                element.ReplaceWith(
                    new XElement(
                        EncryptedSecret,
                        new XAttribute("decryptorType", info.DecryptorType.AssemblyQualifiedName!),
                        info.EncryptedElement
                    )
                );
            }
            entry.Xml = root.ToString(SaveOptions.DisableFormatting);
            changed++;
        }
        if (changed > 0)
            await db.SaveChangesAsync(ct);
        return changed;
    }

    /// <summary>Run once at start, after the migrations, on a node with a KEK.</summary>
    public static async Task ProtectKeyRingAsync(this WebApplication app)
    {
        var kek = KeyRingOptions.Decode(app.Configuration[$"{KeyRingOptions.Section}:KeyEncryptionKey"]);
        if (kek is null)
            return;
        await using var db = await app
            .Services.GetRequiredService<IDbContextFactory<AppDbContext>>()
            .CreateDbContextAsync();
        var changed = await EncryptClearEntriesAsync(db, kek, CancellationToken.None);
        if (changed > 0)
            Log.KeyRingEntriesEncrypted(app.Logger, changed);
    }

    private static partial class Log
    {
        [LoggerMessage(
            Level = LogLevel.Warning,
            Message = "{Count} key ring entries written before the key-encryption key existed are now encrypted"
        )]
        public static partial void KeyRingEntriesEncrypted(ILogger logger, int count);
    }
}
