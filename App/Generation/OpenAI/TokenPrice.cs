namespace StorybookShop.Generation.OpenAI;

public sealed class TokenPrice
{
    public decimal InputPerMillion { get; set; }
    public decimal OutputPerMillion { get; set; }
}
