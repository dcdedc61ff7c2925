using System.Text.Json;

namespace StorybookShop.Storefront;

/// <summary>Reading our private line-item property out of Shopify's order payloads.</summary>
public static class OrderPayload
{
    public const string StoryProperty = "_story_id";

    /// <summary>One order line: its id, product, unit price, how many units were bought and the stories its
    /// properties name (in their order).</summary>
    public sealed record Line(
        string Id,
        string? ProductId,
        decimal UnitPrice,
        IReadOnlyList<Guid> StoryIds,
        int Quantity = 1
    );

    public static List<Line> Lines(JsonElement order) =>
        order.TryGetProperty("line_items", out var items) && items.ValueKind == JsonValueKind.Array
            ?
            [
                .. items
                    .EnumerateArray()
                    .Where(l => l.TryGetProperty("id", out _))
                    .Select(l => new Line(
                        l.GetProperty("id").ToString(),
                        l.TryGetProperty("product_id", out var p) && p.ValueKind == JsonValueKind.Number
                            ? p.ToString()
                            : null,
                        l.TryGetProperty("price", out var price)
                        && decimal.TryParse(
                            price.ToString(),
                            System.Globalization.NumberStyles.Number,
                            System.Globalization.CultureInfo.InvariantCulture,
                            out var unit
                        )
                            ? unit
                            : 0m,
                        [.. StoryIdsOfLine(l).Distinct()],
                        l.TryGetProperty("quantity", out var q)
                        && q.ValueKind == JsonValueKind.Number
                        && q.TryGetInt32(out var quantity)
                            ? Math.Max(0, quantity)
                            : 1
                    )),
            ]
            : [];

    public static List<Guid> StoryIds(JsonElement order) => [.. Lines(order).SelectMany(l => l.StoryIds).Distinct()];

    public static IEnumerable<Guid> StoryIdsOfLine(JsonElement line)
    {
        if (!line.TryGetProperty("properties", out var props) || props.ValueKind != JsonValueKind.Array)
            yield break;
        foreach (var p in props.EnumerateArray())
            if (
                p.TryGetProperty("name", out var n)
                && n.GetString() == StoryProperty
                && p.TryGetProperty("value", out var v)
                && Guid.TryParse(v.ToString(), out var id)
            )
                yield return id;
    }
}
