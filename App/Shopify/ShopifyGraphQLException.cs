namespace StorybookShop.Shopify;

/// <summary>
/// GraphQL errors Shopify answered with HTTP 200, other than throttling: a document the schema refuses, a variable
/// that does not coerce (<c>INVALID_VARIABLE</c>), a query over the single-query cost limit
/// (<c>MAX_COST_EXCEEDED</c>), an internal error. Only an internal error is worth another attempt: Shopify answers
/// the same request the same way every time (<see cref="IsPermanent"/>).
/// </summary>
public sealed class ShopifyGraphQLException(string message, IReadOnlyList<string>? codes = null) : Exception(message)
{
    /// <summary>Shopify's <c>extensions.code</c> of each error (empty where it sent none).</summary>
    public IReadOnlyList<string> Codes { get; } = codes ?? [];

    /// <summary>Codes Shopify uses for its own failures; anything else is about the request itself.</summary>
    private static readonly HashSet<string> Transient = new(StringComparer.Ordinal)
    {
        "INTERNAL_SERVER_ERROR",
        "SERVICE_UNAVAILABLE",
        "TIMEOUT",
    };

    public bool IsPermanent => !Codes.Any(Transient.Contains);
}
