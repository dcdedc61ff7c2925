namespace StorybookShop.Dashboard;

/// <summary>How long a merchant's jobs-dashboard ticket lives (section <c>Dashboard</c>).</summary>
public sealed class TicketOptions
{
    public const string Section = "Dashboard";

    /// <summary>Without a request for this long (the open dashboard polls every 2 s), the ticket dies.</summary>
    public TimeSpan TicketIdleLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>However busy, a ticket dies this long after it was issued (Jobs opens a new one).</summary>
    public TimeSpan TicketMaxLifetime { get; set; } = TimeSpan.FromHours(8);
}
