namespace StorybookShop.Generation;

public sealed class OfflineNarrationOptions
{
    public string EspeakPath { get; set; } = "/usr/bin/espeak-ng";
    public string LamePath { get; set; } = "/usr/bin/lame";
    public int WordsPerMinute { get; set; } = 140;
    public Dictionary<string, string> Voices { get; set; } =
        new()
        {
            ["en"] = "en-gb",
            ["es"] = "es",
            ["fr"] = "fr",
        };
}
