using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace StorybookShop.Hosting;

/// <summary>
/// The API documents itself: an OpenAPI document of every <c>/api/*</c> (merchant, session token) and
/// <c>/proxy/*</c> (storefront, Shopify's proxy signature) route, built from the endpoints' own metadata, and
/// Scalar's reference page over it at <c>/api/docs</c> (its script served by the app, no CDN, no web fonts).
/// </summary>
public static class ApiDocs
{
    public const string DocumentPattern = "/api/openapi/{documentName}.json";
    public const string DocumentPath = "/api/openapi/v1.json";
    public const string DocsPath = "/api/docs";

    public static WebApplicationBuilder AddApiDocs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1", options =>
        {
            options.ShouldInclude = description => IsDocumented(description.RelativePath);
            options.AddDocumentTransformer(
                (document, _, _) =>
                {
                    document.Info = new OpenApiInfo
                    {
                        Title = "StorybookShop API",
                        Version = "v1",
                        Description =
                            "Merchant routes (/api) take the App Bridge session token as a bearer token; storefront "
                            + "routes (/proxy) are reached through the shop's app proxy, which signs every request "
                            + "(shop, "
                            + "timestamp, signature, path_prefix, logged_in_customer_id). Errors are RFC 9457 problem "
                            + "details; "
                            + "invalid input answers 400 with the field errors.",
                    };
                    document.Components ??= new OpenApiComponents();
                    document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                    document.Components.SecuritySchemes["sessionToken"] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        BearerFormat = "JWT",
                        Description = "Shopify App Bridge session token (HS256, signed with the app's secret).",
                    };
                    document.Components.SecuritySchemes["proxySignature"] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.ApiKey,
                        In = ParameterLocation.Query,
                        Name = "signature",
                        Description =
                            "Shopify app proxy signature (HMAC-SHA256 of the sorted query), added by Shopify.",
                    };
                    return Task.CompletedTask;
                }
            );
            options.AddOperationTransformer(
                (operation, context, _) =>
                {
                    var path = context.Description.RelativePath ?? "";
                    var scheme = path.StartsWith("api/", StringComparison.Ordinal) ? "sessionToken" : "proxySignature";
                    operation.Security =
                    [
                        new OpenApiSecurityRequirement
                        {
                            [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [],
                        },
                    ];
                    return Task.CompletedTask;
                }
            );
        });
        return builder;
    }

    /// <summary>Which routes the document covers: the merchant API and the storefront proxy.</summary>
    public static bool IsDocumented(string? relativePath) =>
        relativePath is not null
        && (
            relativePath.StartsWith("api/", StringComparison.Ordinal)
            || relativePath.StartsWith("proxy/", StringComparison.Ordinal)
        )
        && !relativePath.StartsWith("api/openapi/", StringComparison.Ordinal)
        && !relativePath.StartsWith("api/docs", StringComparison.Ordinal);

    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi(DocumentPattern);
        app.MapScalarApiReference(DocsPath, options =>
            options.WithTitle("StorybookShop API").WithOpenApiRoutePattern(DocumentPattern).DisableDefaultFonts()
        );
        return app;
    }
}
