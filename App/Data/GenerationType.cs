namespace StorybookShop.Data;

public enum GenerationType
{
    Text,
    Image,
    Audio,
    Pdf,
}
