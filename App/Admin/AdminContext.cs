using Microsoft.AspNetCore.WebUtilities;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Admin;

/// <summary>One authenticated admin page request: the shop, and the query every link inside the admin carries
/// on.</summary>
public sealed record AdminContext(Shop Shop, string Domain, string IdToken, IReadOnlyDictionary<string, string?> Carry)
{
    /// <summary>The page request's context: the shop the session-token scheme authenticated, and the
    /// <c>shop</c>, <c>host</c>, <c>embedded</c> and <c>id_token</c> its links keep.</summary>
    public static AdminContext For(HttpContext http, CurrentShop current) =>
        new(
            current.Shop,
            current.Domain,
            current.IdToken,
            new Dictionary<string, string?>
            {
                ["shop"] = current.Domain,
                ["host"] = http.Request.Query["host"].ToString(),
                ["embedded"] = http.Request.Query["embedded"].ToString(),
                ["id_token"] = current.IdToken,
            }
        );

    /// <summary>An instant as the merchant reads it: in the shop's time zone (UTC until Shopify told it).</summary>
    public string Time(DateTimeOffset at, string format = "yyyy-MM-dd HH:mm") => ShopLocale.Format(Shop, at, format);

    /// <summary>The zone <see cref="Time"/> shows (its IANA name).</summary>
    public string Zone =>
        ShopLocale.Find(Shop.IanaTimezone) is null || Shop.IanaTimezone is "Etc/UTC" or "UTC" or "Etc/GMT"
            ? "UTC"
            : Shop.IanaTimezone!;

    /// <summary>A link to another admin page, keeping shop, host and the current id token (App Bridge renews it via the
    /// bounce page).</summary>
    public string Link(string path, IDictionary<string, string?>? query = null)
    {
        var all = new Dictionary<string, string?>(Carry);
        foreach (var (k, v) in query ?? new Dictionary<string, string?>())
            if (!string.IsNullOrEmpty(v))
                all[k] = v;
        return QueryHelpers.AddQueryString(path, all.Where(kv => !string.IsNullOrEmpty(kv.Value)));
    }
}
