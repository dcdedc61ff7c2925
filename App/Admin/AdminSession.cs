namespace StorybookShop.Admin;

/// <summary>
/// The admin page request's shop and the query its links carry on, filled once per request by the admin pages'
/// group filter (<see cref="AdminUi.MapAdminPages"/>) after the id token checked out.
/// </summary>
public sealed class AdminSession
{
    private AdminContext? _context;

    public AdminContext Context => _context
        ?? throw new InvalidOperationException("Not an admin page: map it in MapAdminPages.");

    internal void Set(AdminContext context) => _context = context;
}
