using Microsoft.Extensions.AI;
using StorybookShop.Generation.OpenAI;

namespace StorybookShop.Generation.Text;

/// <summary>
/// A story writer over any chat model behind <see cref="IChatClient"/> (Microsoft.Extensions.AI): OpenAI, Claude, or an
/// OpenAI-compatible endpoint. One prompt (<see cref="StoryPrompt"/>), the story JSON schema as the response format,
/// the model from the brief (an experiment arm's) or the provider's default, and the ledger's tokens and cost from the
/// answer's usage.
/// </summary>
public sealed class ChatStoryWriter(
    string provider,
    string defaultModel,
    Func<string, IChatClient> client,
    Func<IReadOnlyDictionary<string, TokenPrice>> prices
) : IStoryWriter
{
    public string Provider => provider;
    public bool AcceptsCorrections => true;

    public async Task<ProviderResult<StoryPlan>> WriteAsync(StoryBrief brief, string? correction, CancellationToken ct)
    {
        var model = string.IsNullOrWhiteSpace(brief.TextModel) ? defaultModel : brief.TextModel;
        List<ChatMessage> messages =
        [
            new(ChatRole.System, StoryPrompt.System(brief)),
            new(ChatRole.User, StoryPrompt.User(brief)),
        ];
        if (correction is not null)
            messages.Add(new(ChatRole.User, StoryPrompt.Correction(correction)));
        var response = await AskAsync(model, messages, ct);

        // A refusal (OpenAI's "refusal", Claude's stop reason) is an answer, not a fault: asking again gets it again.
        var refusal = response.Messages.SelectMany(m => m.Contents).OfType<ErrorContent>().FirstOrDefault();
        if (refusal is not null || response.FinishReason?.Value == "refusal")
            throw new GeneratedContentRejectedException(
                $"{provider} refused to write the story: {refusal?.Message ?? "refusal"}"
            );
        if (string.IsNullOrWhiteSpace(response.Text))
            throw new InvalidOperationException($"{provider} returned no content.");
        var plan = StoryPrompt.Parse(response.Text, provider);

        var usage = response.Usage;
        var answeredBy = response.ModelId ?? model;
        var price =
            prices().TryGetValue(model, out var p) || prices().TryGetValue(answeredBy, out p) ? p : new TokenPrice();
        var cost = usage is null
            ? 0m
            : (usage.InputTokenCount ?? 0) * price.InputPerMillion / 1_000_000m
                + (usage.OutputTokenCount ?? 0) * price.OutputPerMillion / 1_000_000m;
        return new ProviderResult<StoryPlan>(
            plan,
            answeredBy,
            cost,
            new
            {
                requestId = response.ResponseId,
                inputTokens = usage?.InputTokenCount,
                outputTokens = usage?.OutputTokenCount,
                corrected = correction is not null,
                variant = brief.PromptVariant,
            }
        );
    }

    /// <summary>The model asked for the story as JSON to the schema; the provider boundary, where each SDK's refusal
    /// becomes the pipeline's one refusal.</summary>
    private async Task<ChatResponse> AskAsync(string model, List<ChatMessage> messages, CancellationToken ct)
    {
        try
        {
            return await client(model)
                .GetResponseAsync(
                    messages,
                    new ChatOptions
                    {
                        ModelId = model,
                        ResponseFormat = ChatResponseFormat.ForJsonSchema(
                            StoryPrompt.Schema,
                            "story_plan",
                            "A personalized picture-book story"
                        ),
                        // OpenAI's structured outputs only hold the answer to the schema when asked to be strict.
                        AdditionalProperties = new() { ["strict"] = true },
                    },
                    ct
                );
        }
        catch (System.ClientModel.ClientResultException e) when (ProviderRefusedException.IsRefusal(e.Status))
        {
            throw new ProviderRefusedException(provider, e.Status, e.Message, e);
        }
        catch (Anthropic.Exceptions.AnthropicApiException e)
            when (ProviderRefusedException.IsRefusal((int)e.StatusCode))
        {
            throw new ProviderRefusedException(provider, (int)e.StatusCode, e.Message, e);
        }
    }
}
