namespace StorybookShop.Catalog;

/// <summary>
/// The app's own words to shoppers (the preview, the download page, the form's validation errors and refusals), looked
/// up through <c>IStringLocalizer&lt;ShopperText&gt;</c>. The key is the English text itself; the translations are in
/// <c>Resources/Catalog/ShopperText.{es,fr}.resx</c>. The theme block's words are in the extension's own locale
/// files (<see cref="ThemeLocales"/>).
/// </summary>
public sealed class ShopperText;
