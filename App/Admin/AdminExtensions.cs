namespace StorybookShop.Admin;

public static class AdminExtensions
{
    /// <summary>The embedded admin's services (its pages and API are mapped by <c>MapAdmin</c>,
    /// <c>MapSettings</c>…).</summary>
    public static WebApplicationBuilder AddAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddTransient<ShopProducts>();
        builder.Services.AddScoped(sp =>
            AdminContext.For(
                sp.GetRequiredService<IHttpContextAccessor>().HttpContext!,
                sp.GetRequiredService<Shopify.CurrentShop>()
            )
        );
        builder.Services.AddSingleton<
            Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler,
            ReapprovalResultHandler
        >();
        return builder;
    }
}
