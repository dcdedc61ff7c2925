namespace StorybookShop.Generation;

/// <summary>
/// A provider refused the request itself (a 400, 401, 403, 404 or 422: a bad key, a prompt its policy refuses, a
/// model it does not have): asking again gets the same answer and costs money. Each provider turns its own SDK's
/// refusals into this at its boundary, so the pipeline needs to know no SDK.
/// </summary>
public sealed class ProviderRefusedException(string provider, int status, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string Provider { get; } = provider;
    public int Status { get; } = status;

    /// <summary>The statuses that mean "refused", not "try again".</summary>
    public static bool IsRefusal(int status) => status is 400 or 401 or 403 or 404 or 422;
}
