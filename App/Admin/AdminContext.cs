using Microsoft.AspNetCore.WebUtilities;
using StorybookShop.Data;

namespace StorybookShop.Admin;

/// <summary>One authenticated admin page request: the shop, and the query every link inside the admin carries
/// on.</summary>
public sealed record AdminContext(Shop Shop, string Domain, string IdToken, IReadOnlyDictionary<string, string?> Carry)
{
    /// <summary>A link to another admin page, keeping shop, host and the current id token (App Bridge renews it via the
    /// bounce page).</summary>
    public string Link(string path, IDictionary<string, string?>? query = null)
    {
        var all = new Dictionary<string, string?>(Carry);
        foreach (var (k, v) in query ?? new Dictionary<string, string?>()) if (!string.IsNullOrEmpty(v)) all[k] = v;
        return QueryHelpers.AddQueryString(path, all.Where(kv => !string.IsNullOrEmpty(kv.Value)));
    }
}
