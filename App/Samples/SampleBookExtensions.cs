namespace StorybookShop.Samples;

public static class SampleBookExtensions
{
    public static WebApplicationBuilder AddSampleBook(this WebApplicationBuilder builder, string[] args)
    {
        builder
            .Services.AddOptions<SampleBookOptions>()
            .Bind(builder.Configuration.GetSection(SampleBookOptions.Section));
        if (builder.Configuration.GetValue<bool>($"{SampleBookOptions.Section}:Make"))
            builder.Services.AddHostedService<SampleBookMaker>();
        return builder;
    }
}
