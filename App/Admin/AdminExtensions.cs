namespace StorybookShop.Admin;

public static class AdminExtensions
{
    /// <summary>The embedded admin's services (its pages and API are mapped by <c>MapAdmin</c>,
    /// <c>MapSettings</c>…).</summary>
    public static WebApplicationBuilder AddAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddTransient<ShopProducts>();
        builder.Services.AddScoped<AdminSession>();
        return builder;
    }
}
