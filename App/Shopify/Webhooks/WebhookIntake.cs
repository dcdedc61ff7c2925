using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace StorybookShop.Shopify.Webhooks;

/// <summary>
/// One endpoint for every topic. It verifies the HMAC over the raw body, stores the delivery (the event
/// id is unique, so Shopify's retries are stored once), wakes this node's dispatcher and answers at once;
/// the work happens in <see cref="WebhookDispatcher"/>.
/// </summary>
public static class WebhookIntake
{
    private const int MaxBody = 2 * 1024 * 1024;

    public static WebApplication MapWebhooks(this WebApplication app)
    {
        app.MapPost("/webhooks", ReceiveAsync)
            .ExcludeFromDescription()
            .AddEndpointFilter(
                async (context, next) =>
                {
                    // Intake latency as Shopify sees it; the topic is named only once the signature vouched for it.
                    var started = System.Diagnostics.Stopwatch.GetTimestamp();
                    var result = await next(context);
                    var status = (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
                    var topic =
                        status == StatusCodes.Status200OK
                            ? context.HttpContext.Request.Headers["X-Shopify-Topic"].ToString()
                            : "refused";
                    context
                        .HttpContext.RequestServices.GetRequiredService<Telemetry.StoryMetrics>()
                        .WebhookReceived(topic, System.Diagnostics.Stopwatch.GetElapsedTime(started), status);
                    return result;
                }
            );
        return app;
    }

    internal static async Task<IResult> ReceiveAsync(
        HttpRequest request,
        WebhookWriter writer,
        IOptions<ShopifyOptions> options,
        WebhookSignal signal,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var body = await ReadBodyAsync(request, ct);
        if (body is null)
            return Results.Problem(statusCode: 413, title: "Webhook body too large.");

        // Bad signature first: app review sends unsigned compliance webhooks and expects 401.
        if (!ShopifySignatures.VerifyWebhook(body, request.Headers["X-Shopify-Hmac-Sha256"], options.Value.Secrets()))
            return Results.Problem(statusCode: 401, title: "Webhook HMAC is missing or does not match.");

        var topic = request.Headers["X-Shopify-Topic"].ToString();
        var shop = request.Headers["X-Shopify-Shop-Domain"].ToString();
        var eventId = request.Headers["X-Shopify-Event-Id"].ToString();
        var webhookId = request.Headers["X-Shopify-Webhook-Id"].ToString();
        var missing = new Dictionary<string, string[]>();
        if (topic.Length == 0)
            missing["X-Shopify-Topic"] = ["Required."];
        if (!ShopifySignatures.IsShopDomain(shop))
            missing["X-Shopify-Shop-Domain"] = ["Required: the shop's myshopify.com domain."];
        if (eventId.Length == 0 && webhookId.Length == 0)
            missing["X-Shopify-Event-Id"] = ["Required (or X-Shopify-Webhook-Id)."];
        if (missing.Count > 0)
            return Results.ValidationProblem(missing, title: "Webhook headers are missing.");
        if (!IsJson(body))
            return Results.Problem(statusCode: 400, title: "Webhook body is not valid JSON.");
        // A compliance request erases data: the shop it names must be the shop that Shopify signed it for.
        if (ComplianceTopics.Contains(topic) && !NamesShop(body, shop))
            return Results.Problem(statusCode: 401, title: "The shop_domain in the body is not the signed shop.");

        DateTimeOffset? triggeredAt = DateTimeOffset.TryParse(
            request.Headers["X-Shopify-Triggered-At"],
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal,
            out var t
        )
            ? t
            : null;
        var version = request.Headers["X-Shopify-API-Version"].ToString();
        // Stored (durably) before we answer; repeats of an event id are stored once.
        var stored = await writer.StoreAsync(
            new WebhookRow(
                Guid.NewGuid(),
                eventId.Length > 0 ? eventId : "webhook:" + webhookId,
                webhookId.Length > 0 ? webhookId : null,
                topic,
                shop.ToLowerInvariant(),
                version.Length > 0 ? version : null,
                triggeredAt,
                clock.GetUtcNow(),
                Encoding.UTF8.GetString(body)
            )
        );
        if (stored)
            signal.Wake();
        return Results.Ok();
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBody)
            return null;
        using var buffer = new MemoryStream(
            request.ContentLength is > 0 and <= MaxBody ? (int)request.ContentLength : 4096
        );
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBody)
                    return null;
                await buffer.WriteAsync(chunk.AsMemory(0, read), ct);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    private static readonly HashSet<string> ComplianceTopics =
    [
        "customers/data_request",
        "customers/redact",
        "shop/redact",
    ];

    private static bool NamesShop(byte[] body, string shop)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.ValueKind == JsonValueKind.Object
            && json.RootElement.TryGetProperty("shop_domain", out var named)
            && named.ValueKind == JsonValueKind.String
            && string.Equals(named.GetString(), shop, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsJson(byte[] body)
    {
        try
        {
            using var _ = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
