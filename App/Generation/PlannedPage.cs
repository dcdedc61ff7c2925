using StorybookShop.Data;

namespace StorybookShop.Generation;

public sealed record PlannedPage(string Text, string IllustrationPrompt, Scene Scene);
