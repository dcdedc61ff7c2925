using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>
/// Shopify's Billing API as shopify.dev documents it, for the fake Shopify: <c>appSubscriptionCreate</c> (at most one
/// recurring and one usage line in one currency, usage terms required) answers a PENDING subscription and its
/// confirmation URL; the merchant's answer on that page is <see cref="Approve"/> / <see cref="Decline"/> (Shopify then
/// sends them to the return URL with <c>charge_id</c>); approving replaces the shop's active subscription
/// (<c>APPLY_IMMEDIATELY</c>). <c>appUsageRecordCreate</c> charges only an active subscription's usage line, in its
/// currency, never past the capped amount ("Total price exceeds balance remaining"), and answers a repeated
/// <c>idempotencyKey</c> with the first record. <c>appSubscriptionLineItemUpdate</c> asks for a higher cap, applied
/// when <see cref="ApproveCap"/>. <see cref="Freeze"/> and <see cref="Cancel"/> are Shopify's own moves.
/// </summary>
public sealed class FakeShopifyBilling(FakeShopify shopify)
{
    public sealed class Subscription
    {
        public required long Id { get; init; }
        public required string Shop { get; init; }
        public required string Name { get; init; }
        public required string ReturnUrl { get; init; }
        public string Status { get; set; } = "PENDING";
        public bool Test { get; init; }
        public int TrialDays { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset? CurrentPeriodEnd { get; set; }
        public decimal? RecurringPrice { get; init; }
        public decimal? CappedAmount { get; set; }
        public decimal? RequestedCap { get; set; }
        public string? Terms { get; init; }
        public required string Currency { get; init; }
        public List<UsageRecord> Records { get; } = [];
        public string Gid => $"gid://shopify/AppSubscription/{Id}";
        public string RecurringLineId => $"gid://shopify/AppSubscriptionLineItem/{Id}?v=1&index=0";
        public string UsageLineId => $"gid://shopify/AppSubscriptionLineItem/{Id}?v=1&index=1";
        public decimal BalanceUsed => Records.Sum(r => r.Price);
    }

    public sealed record UsageRecord(string Id, string? Key, decimal Price, string Description, DateTimeOffset At);

    private long _next = 27_000_000_000;
    private readonly object _gate = new();
    public ConcurrentDictionary<long, Subscription> Subscriptions { get; } = new();

    /// <summary>Shops that are partner development stores (their charges should be test charges).</summary>
    public ConcurrentDictionary<string, bool> DevelopmentStores { get; } = new();

    /// <summary>Every appUsageRecordCreate received, repeats included.</summary>
    public ConcurrentQueue<JsonNode> UsageCalls { get; } = new();

    public IEnumerable<Subscription> Of(string shop) => Subscriptions.Values.Where(s => s.Shop == shop);

    public Subscription? ActiveOf(string shop) => Of(shop).SingleOrDefault(s => s.Status == "ACTIVE");

    public static readonly string[] Fields =
    [
        "appSubscriptionCreate",
        "appUsageRecordCreate",
        "appSubscriptionLineItemUpdate",
        "currentAppInstallation",
        "node",
    ];

    public JsonNode Answer(string field, FakeShopify.GraphQLCall call, JsonNode v) =>
        field switch
        {
            "appSubscriptionCreate" => Create(call.Shop, v),
            "appUsageRecordCreate" => Usage(call.Shop, v),
            "appSubscriptionLineItemUpdate" => UpdateCap(call.Shop, v),
            "currentAppInstallation" => new JsonObject
            {
                ["id"] = "gid://shopify/AppInstallation/1",
                ["activeSubscriptions"] = new JsonArray([
                    .. Of(call.Shop).Where(s => s.Status == "ACTIVE").Select(Node),
                ]),
            },
            "node" => NodeById(call.Shop, v["id"]!.GetValue<string>()),
            _ => throw new FakeShopify.GraphQLErrorException($"The fake does not model {field} yet."),
        };

    /// <summary>The merchant approves on the confirmation page; returns where Shopify sends them.</summary>
    public string Approve(long id)
    {
        lock (_gate)
        {
            var sub = Subscriptions[id];
            foreach (var other in Of(sub.Shop).Where(s => s.Status == "ACTIVE" && s.Id != id))
                other.Status = "CANCELLED";
            sub.Status = "ACTIVE";
            sub.CurrentPeriodEnd = DateTimeOffset.UtcNow.AddDays(30);
            return $"{sub.ReturnUrl}?charge_id={id}";
        }
    }

    public string Decline(long id)
    {
        Subscriptions[id].Status = "DECLINED";
        return $"{Subscriptions[id].ReturnUrl}?charge_id={id}";
    }

    public void Freeze(long id) => Subscriptions[id].Status = "FROZEN";

    public void Cancel(long id) => Subscriptions[id].Status = "CANCELLED";

    public void ApproveCap(long id)
    {
        var sub = Subscriptions[id];
        sub.CappedAmount = sub.RequestedCap ?? sub.CappedAmount;
        sub.RequestedCap = null;
    }

    /// <summary>The subscription a confirmation URL is for.</summary>
    public static long IdOf(string confirmationUrl) =>
        long.Parse(
            confirmationUrl.Split("/charges/")[1].Split('/')[0],
            NumberStyles.None,
            CultureInfo.InvariantCulture
        );

    private JsonObject Create(string shop, JsonNode v)
    {
        var errors = new JsonArray();
        var lines = v["lineItems"]!.AsArray();
        JsonNode? recurring = null,
            usage = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var plan = lines[i]!["plan"]!;
            var r = plan["appRecurringPricingDetails"];
            var u = plan["appUsagePricingDetails"];
            if ((r is null) == (u is null))
                errors.Add(Error(["lineItems", $"{i}", "plan"], "A plan must have exactly one pricing detail."));
            if (r is not null)
                recurring = recurring is null ? r : Fail(errors, "lineItems", "Only one recurring line is allowed.");
            if (u is not null)
                usage = usage is null ? u : Fail(errors, "lineItems", "Only one usage line is allowed.");
        }
        if (recurring is null && usage is null)
            errors.Add(Error(["lineItems"], "At least one line item is required."));
        var currencies = new[] { recurring?["price"], usage?["cappedAmount"] }
            .Where(m => m is not null)
            .Select(m => m!["currencyCode"]!.GetValue<string>())
            .Distinct()
            .ToList();
        if (currencies.Count > 1)
            errors.Add(Error(["lineItems"], "All line items must have the same currency."));
        if (usage is not null && string.IsNullOrWhiteSpace(usage["terms"]?.GetValue<string>()))
            errors.Add(Error(["lineItems", "plan", "appUsagePricingDetails", "terms"], "Terms can't be blank"));
        if (usage is not null && Amount(usage["cappedAmount"]!) <= 0)
            errors.Add(
                Error(
                    ["lineItems", "plan", "appUsagePricingDetails", "cappedAmount"],
                    "Capped amount must be greater than 0"
                )
            );
        if ((v["trialDays"]?.GetValue<int>() ?? 0) < 0)
            errors.Add(Error(["trialDays"], "Trial days must be greater than or equal to 0"));
        if (errors.Count > 0)
            return new JsonObject { ["userErrors"] = errors };
        var id = Interlocked.Increment(ref _next);
        var sub = new Subscription
        {
            Id = id,
            Shop = shop,
            Name = v["name"]!.GetValue<string>(),
            ReturnUrl = v["returnUrl"]!.GetValue<string>(),
            Test = v["test"]?.GetValue<bool>() ?? false,
            TrialDays = v["trialDays"]?.GetValue<int>() ?? 0,
            CreatedAt = DateTimeOffset.UtcNow,
            RecurringPrice = recurring is null ? null : Amount(recurring["price"]!),
            CappedAmount = usage is null ? null : Amount(usage["cappedAmount"]!),
            Terms = usage?["terms"]?.GetValue<string>(),
            Currency = currencies[0],
        };
        Subscriptions[id] = sub;
        return new JsonObject
        {
            ["confirmationUrl"] = ConfirmationUrl(shop, id, "RecurringApplicationCharge"),
            ["appSubscription"] = Node(sub),
            ["userErrors"] = new JsonArray(),
        };
    }

    private JsonObject Usage(string shop, JsonNode v)
    {
        UsageCalls.Enqueue(v.DeepClone());
        lock (_gate)
        {
            var lineId = v["subscriptionLineItemId"]!.GetValue<string>();
            var sub = Of(shop).FirstOrDefault(s => s.UsageLineId == lineId && s.CappedAmount is not null);
            if (sub is null)
                return Refused(["subscriptionLineItemId"], "Subscription line item not found");
            if (sub.Status != "ACTIVE")
                return Refused(["subscriptionLineItemId"], "The app subscription is not active");
            var key = v["idempotencyKey"]?.GetValue<string>();
            if (key is { Length: > 255 })
                return Refused(["idempotencyKey"], "Idempotency key is too long (maximum is 255 characters)");
            if (string.IsNullOrWhiteSpace(v["description"]?.GetValue<string>()))
                return Refused(["description"], "Description can't be blank");
            if (key is not null && sub.Records.FirstOrDefault(r => r.Key == key) is { } again)
                return new JsonObject { ["appUsageRecord"] = Record(again, sub), ["userErrors"] = new JsonArray() };
            var price = Amount(v["price"]!);
            if (v["price"]!["currencyCode"]!.GetValue<string>() != sub.Currency)
                return Refused(["price"], "Currency must match the capped amount's currency");
            if (price <= 0)
                return Refused(["price"], "Price must be greater than 0");
            if (sub.BalanceUsed + price > sub.CappedAmount)
                return Refused([], "Total price exceeds balance remaining");
            var record = new UsageRecord(
                $"gid://shopify/AppUsageRecord/{Interlocked.Increment(ref _next)}",
                key,
                price,
                v["description"]!.GetValue<string>(),
                DateTimeOffset.UtcNow
            );
            sub.Records.Add(record);
            return new JsonObject { ["appUsageRecord"] = Record(record, sub), ["userErrors"] = new JsonArray() };
        }
    }

    private JsonObject UpdateCap(string shop, JsonNode v)
    {
        var lineId = v["id"]!.GetValue<string>();
        var sub = Of(shop).FirstOrDefault(s => s.UsageLineId == lineId && s.CappedAmount is not null);
        if (sub is null || sub.Status != "ACTIVE")
            return Refused(["id"], "Subscription line item not found");
        var cap = Amount(v["cappedAmount"]!);
        if (v["cappedAmount"]!["currencyCode"]!.GetValue<string>() != sub.Currency)
            return Refused(["cappedAmount"], "Currency must match the subscription's currency");
        if (cap <= sub.CappedAmount)
            return Refused(["cappedAmount"], "The capped amount must be greater than the existing capped amount");
        sub.RequestedCap = cap;
        return new JsonObject
        {
            ["confirmationUrl"] = ConfirmationUrl(shop, sub.Id, "AppSubscriptionLineItemUpdate"),
            ["appSubscription"] = Node(sub),
            ["userErrors"] = new JsonArray(),
        };
    }

    private JsonNode NodeById(string shop, string id)
    {
        var sub = Of(shop).FirstOrDefault(s => s.Gid == id);
        return sub is null ? null! : Node(sub);
    }

    private static JsonObject Node(Subscription s)
    {
        var lines = new JsonArray();
        if (s.RecurringPrice is { } price)
            lines.Add(
                new JsonObject
                {
                    ["id"] = s.RecurringLineId,
                    ["plan"] = Pricing(
                        new JsonObject
                        {
                            ["__typename"] = "AppRecurringPricing",
                            ["price"] = Money(price, s.Currency),
                            ["interval"] = "EVERY_30_DAYS",
                        }
                    ),
                    ["usageRecords"] = Connection([]),
                }
            );
        if (s.CappedAmount is { } cap)
            lines.Add(
                new JsonObject
                {
                    ["id"] = s.UsageLineId,
                    ["plan"] = Pricing(
                        new JsonObject
                        {
                            ["__typename"] = "AppUsagePricing",
                            ["cappedAmount"] = Money(cap, s.Currency),
                            ["balanceUsed"] = Money(s.BalanceUsed, s.Currency),
                            ["interval"] = "EVERY_30_DAYS",
                            ["terms"] = s.Terms,
                        }
                    ),
                    ["usageRecords"] = Connection([.. s.Records.Select(r => Record(r, s))]),
                }
            );
        return new JsonObject
        {
            ["__typename"] = "AppSubscription",
            ["id"] = s.Gid,
            ["name"] = s.Name,
            ["status"] = s.Status,
            ["test"] = s.Test,
            ["trialDays"] = s.TrialDays,
            ["createdAt"] = s.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            ["currentPeriodEnd"] =
                s.Status == "ACTIVE" ? s.CurrentPeriodEnd?.ToString("O", CultureInfo.InvariantCulture) : null,
            ["returnUrl"] = s.ReturnUrl,
            ["lineItems"] = lines,
        };
    }

    private static JsonObject Record(UsageRecord r, Subscription s) =>
        new()
        {
            ["id"] = r.Id,
            ["idempotencyKey"] = r.Key,
            ["description"] = r.Description,
            ["price"] = Money(r.Price, s.Currency),
            ["createdAt"] = r.At.ToString("O", CultureInfo.InvariantCulture),
            ["subscriptionLineItem"] = new JsonObject { ["id"] = s.UsageLineId },
        };

    private string ConfirmationUrl(string shop, long id, string kind) =>
        $"{shopify.ShopUrlTemplate.Replace("{shop}", shop, StringComparison.Ordinal)}/admin/charges/{id}/{kind}/confirm"
        + "?signature=BAh7BzoHaWRsKwc4AB7wOhJhdXRvX2FjdGl2YXRlVA";

    private static JsonObject Pricing(JsonObject details) => new() { ["pricingDetails"] = details };

    private static JsonObject Connection(JsonArray nodes) =>
        new()
        {
            ["nodes"] = nodes,
            ["edges"] = new JsonArray([
                .. nodes.Select(n => (JsonNode)new JsonObject { ["node"] = n!.DeepClone(), ["cursor"] = "c" }),
            ]),
        };

    private static JsonObject Money(decimal amount, string currency) =>
        new() { ["amount"] = amount.ToString("0.0#", CultureInfo.InvariantCulture), ["currencyCode"] = currency };

    private static decimal Amount(JsonNode money) =>
        decimal.Parse(money["amount"]!.ToString(), NumberStyles.Number, CultureInfo.InvariantCulture);

    private static JsonObject Error(string[] field, string message) =>
        new() { ["field"] = new JsonArray([.. field.Select(f => (JsonNode)f)]), ["message"] = message };

    private static JsonNode? Fail(JsonArray errors, string field, string message)
    {
        errors.Add(Error([field], message));
        return null;
    }

    private static JsonObject Refused(string[] field, string message) =>
        new() { ["userErrors"] = new JsonArray(Error(field, message)) };
}
