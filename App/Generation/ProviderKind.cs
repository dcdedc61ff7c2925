namespace StorybookShop.Generation;

public enum ProviderKind
{
    Text,
    Image,
    Audio,
}
