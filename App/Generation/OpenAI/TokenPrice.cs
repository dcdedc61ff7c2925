using System.ClientModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;
using StorybookShop.Data;
using StorybookShop.Stories;

namespace StorybookShop.Generation.OpenAI;

public sealed class TokenPrice
{
    public decimal InputPerMillion { get; set; }
    public decimal OutputPerMillion { get; set; }
}
