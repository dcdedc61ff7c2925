using System.ClientModel;

namespace StorybookShop.Generation.OpenAI;

/// <summary>The OpenAI SDK's refusals (and those of any OpenAI-compatible endpoint) as <see
/// cref="ProviderRefusedException"/>.</summary>
public static class OpenAiRefusals
{
    public static async Task<T> GuardAsync<T>(string provider, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ClientResultException e) when (ProviderRefusedException.IsRefusal(e.Status))
        {
            throw new ProviderRefusedException(provider, e.Status, e.Message, e);
        }
    }
}
