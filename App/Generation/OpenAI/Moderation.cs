using System.ClientModel;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Moderations;

namespace StorybookShop.Generation.OpenAI;

/// <summary>Screens text before it goes into a child's book.</summary>
public interface IContentModerator
{
    /// <summary>One answer per text: true when it must not be used.</summary>
    Task<IReadOnlyList<bool>> FlaggedAsync(IReadOnlyList<string> texts, CancellationToken ct);
}

/// <summary>Without keys there is no moderation service: nothing is flagged (the offline writer uses its own vetted text).</summary>
public sealed class NoModeration : IContentModerator
{
    public Task<IReadOnlyList<bool>> FlaggedAsync(IReadOnlyList<string> texts, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<bool>>(texts.Select(_ => false).ToList());
}

/// <summary>OpenAI's moderation endpoint (Moderation:Provider = openai).</summary>
public sealed class OpenAiModeration(IOptions<OpenAiOptions> options) : IContentModerator
{
    private ModerationClient? _client;

    private ModerationClient Client => _client ??= new ModerationClient(options.Value.ModerationModel, new ApiKeyCredential(options.Value.ApiKey),
        string.IsNullOrWhiteSpace(options.Value.Endpoint) ? new OpenAIClientOptions() : new OpenAIClientOptions { Endpoint = new Uri(options.Value.Endpoint) });

    public async Task<IReadOnlyList<bool>> FlaggedAsync(IReadOnlyList<string> texts, CancellationToken ct)
    {
        if (texts.Count == 0) return [];
        var results = (await Client.ClassifyTextAsync(texts, ct)).Value;
        return results.Select(r => r.Flagged).ToList();
    }
}
