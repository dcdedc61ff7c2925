namespace StorybookShop.Shopify;

/// <summary>Which Shopify failures a job should not retry: the answer would be the same next time.</summary>
public static class ShopifyRefusal
{
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
