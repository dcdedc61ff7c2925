using System.ClientModel;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Moderations;

namespace StorybookShop.Generation.OpenAI;

/// <summary>OpenAI's moderation endpoint (Generation:ModerationProvider = openai).</summary>
public sealed class OpenAiModeration(IOptions<OpenAiOptions> options) : IContentModerator
{
    /// <summary>The categories OpenAI scores, by their wire names (the names merchants use for thresholds).</summary>
    public static readonly IReadOnlyDictionary<string, Func<ModerationResult, ModerationCategory>> Categories =
        new Dictionary<string, Func<ModerationResult, ModerationCategory>>
        {
            ["harassment"] = r => r.Harassment,
            ["harassment/threatening"] = r => r.HarassmentThreatening,
            ["hate"] = r => r.Hate,
            ["hate/threatening"] = r => r.HateThreatening,
            ["illicit"] = r => r.Illicit,
            ["illicit/violent"] = r => r.IllicitViolent,
            ["self-harm"] = r => r.SelfHarm,
            ["self-harm/intent"] = r => r.SelfHarmIntent,
            ["self-harm/instructions"] = r => r.SelfHarmInstructions,
            ["sexual"] = r => r.Sexual,
            ["sexual/minors"] = r => r.SexualMinors,
            ["violence"] = r => r.Violence,
            ["violence/graphic"] = r => r.ViolenceGraphic,
        };

    private ModerationClient? _client;

    private ModerationClient Client =>
        _client ??= new ModerationClient(
            options.Value.ModerationModel,
            new ApiKeyCredential(options.Value.ApiKey),
            string.IsNullOrWhiteSpace(options.Value.Endpoint)
                ? new OpenAIClientOptions()
                : new OpenAIClientOptions { Endpoint = new Uri(options.Value.Endpoint) }
        );

    public async Task<IReadOnlyList<bool>> FlaggedAsync(
        IReadOnlyList<string> texts,
        IReadOnlyDictionary<string, double>? thresholds,
        CancellationToken ct
    )
    {
        if (texts.Count == 0)
            return [];
        var results = (
            await OpenAiRefusals.GuardAsync(Generation.Providers.OpenAI, () => Client.ClassifyTextAsync(texts, ct))
        ).Value;
        if (thresholds is null || thresholds.Count == 0)
            return results.Select(r => r.Flagged).ToList();
        return results
            .Select(r =>
                Categories.Any(c =>
                {
                    var category = c.Value(r);
                    if (category is null)
                        return false;
                    return thresholds.TryGetValue(c.Key, out var limit) ? category.Score >= limit : category.Flagged;
                })
            )
            .ToList();
    }
}
