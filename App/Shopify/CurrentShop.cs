using StorybookShop.Data;

namespace StorybookShop.Shopify;

/// <summary>
/// The shop the request acts for, filled once per request by the admin group's filter after the session-token scheme
/// authenticated it (<see cref="Admin.AdminApi.MapAdminGroup"/>). Every admin query is scoped to its id.
/// </summary>
public sealed class CurrentShop
{
    private Shop? _shop;

    public Shop Shop => _shop
        ?? throw new InvalidOperationException("No shop for this request: the endpoint is not in an admin group.");

    public Guid Id => Shop.Id;

    internal void Set(Shop shop) => _shop = shop;
}
