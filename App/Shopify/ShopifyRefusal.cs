namespace StorybookShop.Shopify;

/// <summary>How Shopify's failures are told apart: which a job should not retry (the answer would be the same next
/// time), and which an admin page shows without what Shopify would have said.</summary>
public static class ShopifyRefusal
{
    /// <summary>Shopify could not be asked or would not answer (no token, a refusal, a missing scope, unreachable, an
    /// answer of another shape): a page reading optional facts shows without them.</summary>
    public static bool CouldNotAsk(Exception e) =>
        e
            is ShopifyAuthException
                or ShopifyMissingScopeException
                or ShopifyGraphQLException
                or HttpRequestException
                or System.Text.Json.JsonException
                or KeyNotFoundException
                or InvalidOperationException;

    /// <summary>
    /// userErrors, a missing scope (ACCESS_DENIED), and GraphQL errors about the request (validation,
    /// <c>INVALID_VARIABLE</c>, <c>MAX_COST_EXCEEDED</c>) are permanent; 429, 5xx, timeouts and Shopify's internal
    /// errors are not.
    /// </summary>
    public static bool IsPermanent(Exception e) =>
        e
            is ShopifyUserErrorsException
                or ShopifyMissingScopeException
                or ShopifyGraphQLException { IsPermanent: true };
}
