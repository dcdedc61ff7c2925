using StorybookShop.Data;

namespace StorybookShop.Shopify;

/// <summary>
/// The shop the request acts for, filled once per request by <see cref="SessionTokenAuthentication"/> when it
/// authenticates the caller. Every merchant query is scoped to its id.
/// </summary>
public sealed class CurrentShop
{
    private Shop? _shop;

    public Shop Shop =>
        _shop
        ?? throw new InvalidOperationException(
            "No shop for this request: the endpoint does not require the Shop policy."
        );

    public Guid Id => Shop.Id;

    /// <summary>Whether the request's caller was authenticated as a shop.</summary>
    public bool IsKnown => _shop is not null;

    public string Domain => Shop.Domain;

    /// <summary>The session token the request carried (empty for the dev shop): a document's links carry it
    /// on.</summary>
    public string IdToken { get; private set; } = "";

    internal void Set(Shop shop, string idToken)
    {
        _shop = shop;
        IdToken = idToken;
    }
}
