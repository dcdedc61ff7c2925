namespace StorybookShop.Hosting;

/// <summary>Who is at the other end of a request, for limits.</summary>
public static class ClientAddress
{
    /// <summary>
    /// The last <c>X-Forwarded-For</c> entry left after the forwarded-headers middleware took this app's own proxies'
    /// off (behind Shopify's app proxy: the address Shopify forwards for the shopper), else the connection's.
    /// </summary>
    public static string Of(HttpContext http)
    {
        var forwarded = http.Request.Headers["X-Forwarded-For"].ToString();
        var last = forwarded
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault();
        return last is not null && System.Net.IPAddress.TryParse(last, out var ip)
            ? ip.ToString()
            : http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}
