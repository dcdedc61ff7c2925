namespace StorybookShop.Admin;

public sealed record SettingsResponse(SettingsView Settings, SettingsOptionsView Options);
