namespace StorybookShop.Dashboard;

public sealed class OperatorOptions
{
    public const string Section = "Operator";

    /// <summary>Both set: the all-shops jobs dashboard at /ops/jobs behind HTTP Basic authentication. Either empty: it
    /// does not exist.</summary>
    public string Username { get; set; } = "";
    public string Password { get; set; } = "";
    public bool Enabled => Username.Length > 0 && Password.Length > 0;
}
