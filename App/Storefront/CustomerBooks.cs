using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Shopify;

namespace StorybookShop.Storefront;

/// <summary>
/// <c>GET /api/customer-account/books?order_id=…</c>: the books of one order, for the app's order-status and
/// thank-you extension (extensions/order-status), so a buyer finds the book on the order whatever happened to
/// Shopify's email. Authenticated by the extension's session token (signed with the app secret, <c>dest</c> the
/// shop) before anything is read; a book bought by a customer is shown only to that customer (<c>sub</c>), a guest's
/// only within <see cref="GuestWindow"/> of the purchase (the thank-you page). Called from Shopify's extension
/// sandbox, so it answers CORS with any origin (no cookies are involved).
/// </summary>
public static class CustomerBooks
{
    public const string CorsPolicy = "ui-extensions";

    /// <summary>How long after the purchase a guest's order (no customer) shows its books.</summary>
    public static readonly TimeSpan GuestWindow = TimeSpan.FromHours(24);

    public sealed record Book(Guid StoryId, string Title, string Status, string? DownloadUrl, string? ReadUrl);

    public sealed record Books(string OrderId, IReadOnlyList<Book> Items);

    public static WebApplication MapCustomerBooks(this WebApplication app)
    {
        app.MapGet("/api/customer-account/books", ListAsync)
            .RequireCors(CorsPolicy)
            .WithTags("Storefront")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    public static IServiceCollection AddCustomerBooksCors(this IServiceCollection services) =>
        services.AddCors(o =>
            o.AddPolicy(CorsPolicy, p =>
                p.AllowAnyOrigin()
                    .WithMethods("GET")
                    .WithHeaders("Authorization", "Content-Type")
                    .SetPreflightMaxAge(TimeSpan.FromHours(1))
            )
        );

    private static async Task<Results<Ok<Books>, ProblemHttpResult>> ListAsync(
        HttpContext http,
        SessionTokenValidator validator,
        AppDbContext db,
        IOptions<DeliveryOptions> delivery,
        IOptions<ShopifyOptions> shopify,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var header = http.Request.Headers.Authorization.ToString();
        var (token, error) = header.StartsWith("Bearer ", StringComparison.Ordinal)
            ? await validator.ValidateExtensionAsync(header["Bearer ".Length..].Trim())
            : (null, "no session token");
        if (token is null)
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Not signed by Shopify.",
                detail: error
            );
        var raw = http.Request.Query["order_id"].ToString();
        var orderId = raw.StartsWith("gid://shopify/Order/", StringComparison.Ordinal)
            ? raw["gid://shopify/Order/".Length..]
            : raw;
        if (orderId.Length is 0 or > 20 || !orderId.All(char.IsAsciiDigit))
            return TypedResults.Problem(
                new Microsoft.AspNetCore.Mvc.ValidationProblemDetails(
                    new Dictionary<string, string[]>
                    {
                        ["order_id"] = ["An order id (gid://shopify/Order/… or its number)."],
                    }
                )
            );
        var customer = token.UserId?["gid://shopify/Customer/".Length..];
        var guestSince = clock.GetUtcNow() - GuestWindow;
        var rows = await db
            .Deliveries.AsNoTracking()
            .Where(d => d.OrderId == orderId && d.RevokedAt == null)
            .Where(d => db.Shops.Any(s => s.Id == d.ShopId && s.Domain == token.Shop))
            .Where(d => d.CustomerId == null ? d.CreatedAt >= guestSince : d.CustomerId == customer)
            .OrderBy(d => d.LineItemId)
            .Select(d => new
            {
                d.StoryId,
                d.Token,
                d.ExpiresAt,
                Title = db.Stories.Where(s => s.Id == d.StoryId).Select(s => s.Title ?? s.ChildName).FirstOrDefault(),
                Ready = db.Stories.Any(s =>
                    s.Id == d.StoryId && (s.Status == StoryStatus.Complete || s.Status == StoryStatus.Published)
                ),
            })
            .ToListAsync(ct);
        var root = DeliveryOptions.PublicBase(delivery.Value, shopify.Value) ?? "";
        var now = clock.GetUtcNow();
        return TypedResults.Ok(
            new Books(
                orderId,
                [
                    .. rows.Select(r =>
                        r.ExpiresAt <= now ? new Book(r.StoryId, r.Title ?? "", "expired", null, null)
                        : r.Ready
                            ? new Book(
                                r.StoryId,
                                r.Title ?? "",
                                "ready",
                                $"{root}/downloads/{r.Token}",
                                $"{root}/downloads/{r.Token}/read"
                            )
                        : new Book(r.StoryId, r.Title ?? "", "making", null, null)
                    ),
                ]
            )
        );
    }
}
