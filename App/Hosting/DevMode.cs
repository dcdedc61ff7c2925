namespace StorybookShop.Hosting;

/// <summary>
/// What only a developer's machine may do: with <c>Api:DevEndpoints</c> (on by default in Development) a request
/// with no credentials acts for the seeded dev shop. Outside Development the setting is refused at start, so a
/// copied configuration can never open a real node to anyone without a token.
/// </summary>
public static class DevMode
{
    public const string Setting = "Api:DevEndpoints";

    public static bool Enabled(IConfiguration config, IHostEnvironment environment) =>
        environment.IsDevelopment() && config.GetValue(Setting, true);

    /// <summary>Throws when the setting asks for dev endpoints outside Development.</summary>
    public static void Check(IConfiguration config, IHostEnvironment environment)
    {
        if (!environment.IsDevelopment() && config.GetValue(Setting, false))
            throw new InvalidOperationException(
                $"{Setting}=true is for a developer's machine only (ASPNETCORE_ENVIRONMENT=Development): it lets a "
                    + $"request without a session token act for the dev shop. Remove it from "
                    + $"the {environment.EnvironmentName} "
                    + "configuration."
            );
    }
}
