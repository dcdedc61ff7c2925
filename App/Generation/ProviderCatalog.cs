using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Generation.ElevenLabs;
using StorybookShop.Generation.OpenAI;

namespace StorybookShop.Generation;

/// <summary>
/// Every provider the server could use, and which of them it can use: a provider is available when its
/// keys and model are configured. A shop's setting picks among the available ones; anything else (unset,
/// or keys removed since) falls back to the server's default from Generation:*Provider.
/// </summary>
public sealed class ProviderCatalog(
    IServiceProvider services,
    IOptions<GenerationOptions> generation,
    IOptions<OpenAiOptions> openai,
    IOptions<ElevenLabsOptions> elevenLabs,
    IOptionsMonitor<Text.ChatProviderOptions> chat
)
{
    private readonly ConcurrentDictionary<Guid, (int Limit, SemaphoreSlim Slots)> _shopImageSlots = new();

    public IReadOnlyList<string> Available(ProviderKind kind)
    {
        var o = openai.Value;
        var list = new List<string> { Providers.Offline };
        var openAiReady =
            o.ApiKey.Length > 0
            && kind switch
            {
                ProviderKind.Text => o.TextModel.Length > 0,
                ProviderKind.Image => o.Images.Model.Length > 0,
                _ => o.Audio.Model.Length > 0,
            };
        if (openAiReady)
            list.Add(Providers.OpenAI);
        if (kind == ProviderKind.Text)
        {
            var claude = chat.Get(Text.TextWriters.Anthropic);
            if (claude.ApiKey.Length > 0 && claude.TextModel.Length > 0)
                list.Add(Text.TextWriters.Anthropic);
            var compatible = chat.Get(Text.TextWriters.Compatible);
            if (Uri.TryCreate(compatible.Endpoint, UriKind.Absolute, out _) && compatible.TextModel.Length > 0)
                list.Add(Text.TextWriters.Compatible);
        }
        var e = elevenLabs.Value;
        if (kind == ProviderKind.Audio && e.ApiKey.Length > 0 && e.ModelId.Length > 0 && e.VoiceId.Length > 0)
            list.Add(Providers.ElevenLabs);
        return list;
    }

    /// <summary>The model each configured provider uses (server settings; models are chosen by the operator, not per
    /// shop).</summary>
    public IReadOnlyDictionary<string, string> Models()
    {
        var o = openai.Value;
        var models = new Dictionary<string, string>
        {
            ["text/offline"] = "offline story writer",
            ["image/offline"] = "offline SVG scenes",
            ["audio/offline"] = "espeak-ng",
        };
        var text = Available(ProviderKind.Text);
        if (text.Contains(Providers.OpenAI))
            models["text/openai"] = o.TextModel;
        if (text.Contains(Text.TextWriters.Anthropic))
            models["text/anthropic"] = chat.Get(Text.TextWriters.Anthropic).TextModel;
        if (text.Contains(Text.TextWriters.Compatible))
            models["text/compatible"] = chat.Get(Text.TextWriters.Compatible).TextModel;
        if (Available(ProviderKind.Image).Contains(Providers.OpenAI))
            models["image/openai"] = $"{o.Images.Model}, {o.Images.Size}, {o.Images.Quality}";
        if (Available(ProviderKind.Audio).Contains(Providers.OpenAI))
            models["audio/openai"] = o.Audio.Model;
        if (Available(ProviderKind.Audio).Contains(Providers.ElevenLabs))
            models["audio/elevenlabs"] = elevenLabs.Value.ModelId;
        return models;
    }

    public string Chosen(ProviderKind kind, ShopSettings settings)
    {
        var wanted = kind switch
        {
            ProviderKind.Text => settings.TextProvider,
            ProviderKind.Image => settings.ImageProvider,
            _ => settings.AudioProvider,
        };
        var fallback = kind switch
        {
            ProviderKind.Text => generation.Value.TextProvider,
            ProviderKind.Image => generation.Value.ImageProvider,
            _ => generation.Value.AudioProvider,
        };
        return wanted is not null && Available(kind).Contains(wanted) ? wanted : fallback;
    }

    // Providers are keyed services, registered under their names (Providers).
    public IStoryWriter Writer(ShopSettings settings) => Writer(Chosen(ProviderKind.Text, settings));

    /// <summary>The writer of that name (an experiment arm's); one no longer available falls back to the
    /// server's.</summary>
    public IStoryWriter Writer(string provider) =>
        services.GetRequiredKeyedService<IStoryWriter>(
            Available(ProviderKind.Text).Contains(provider) ? provider : generation.Value.TextProvider
        );

    public IIllustrator Illustrator(ShopSettings settings) =>
        services.GetRequiredKeyedService<IIllustrator>(Chosen(ProviderKind.Image, settings));

    public INarrator Narrator(ShopSettings settings) =>
        services.GetRequiredKeyedService<INarrator>(Chosen(ProviderKind.Audio, settings));

    /// <summary>
    /// The shop's picture slots on this node: a shop that asks for fewer pictures at once gets fewer, and one
    /// shop's many books cannot take every global slot. Limits are per node (each node holds its own).
    /// </summary>
    public SemaphoreSlim ImageSlots(Guid shopId, ShopSettings settings)
    {
        var limit = Math.Max(1, settings.ImageConcurrency ?? generation.Value.ShopImageConcurrency);
        // A changed setting takes a fresh semaphore; calls holding the old one release it as they finish.
        return _shopImageSlots
            .AddOrUpdate(
                shopId,
                _ => (limit, new SemaphoreSlim(limit)),
                (_, old) => old.Limit == limit ? old : (limit, new SemaphoreSlim(limit))
            )
            .Slots;
    }
}
