using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Dashboard;

/// <summary>
/// A merchant's jobs dashboard, known by the ticket in its path (<c>/jobs-dashboard/{ticket}/…</c>; in the admin's
/// cross-site iframe no cookie would be sent): the ticket names an installed shop and is renewed by the request. An
/// authentication scheme like the others, behind the <see cref="Policy"/> policy.
/// </summary>
public sealed class DashboardTicketAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    DashboardTickets tickets,
    AppDbContext db
) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "DashboardTicket";
    public const string Policy = "ShopDashboard";
    public const string ShopIdClaim = "shop_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (
            Context.GetRouteValue("ticket") is not string ticket
            || await tickets.ValidateAsync(ticket, Context.RequestAborted) is not { } shopId
        )
            return AuthenticateResult.NoResult();
        var shop = await db
            .Shops.AsNoTracking()
            .Where(s => s.Id == shopId && s.UninstalledAt == null)
            .Select(s => s.Domain)
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (shop is null)
            return AuthenticateResult.Fail("the shop is not installed");
        var identity = new ClaimsIdentity(
            [new Claim(SessionTokenAuthentication.ShopClaim, shop), new Claim(ShopIdClaim, shopId.ToString())],
            SchemeName
        );
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.ContentType = "text/plain; charset=utf-8";
        await Response.WriteAsync(
            "This jobs link has expired or is not valid: open Jobs again from StorybookShop in your Shopify admin."
        );
    }
}
