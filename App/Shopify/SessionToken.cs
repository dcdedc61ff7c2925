using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using StorybookShop.Data;

namespace StorybookShop.Shopify;

public sealed record SessionToken(string Shop, string? UserId, string? SessionId, string Raw);
