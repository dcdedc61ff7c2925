# StorybookShop: one image for web and worker nodes (Pipeline__Roles chooses).
# .NET 10 publishes no Debian images and Ubuntu's chromium is a snap, so the app runs on Debian 12
# with Debian's chromium, and takes the ASP.NET Core runtime from Microsoft's image.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props StorybookShop.sln appsettings.json ./
COPY App/App.csproj App/
RUN dotnet restore App/App.csproj
COPY App/ App/
COPY migrations/ migrations/
# The theme block's script and translations: the standalone personalize page serves the same ones.
COPY extensions/ extensions/
RUN dotnet publish App/App.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS dotnet

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates libicu72 libssl3 zlib1g tzdata \
      chromium-headless-shell fonts-sil-andika fonts-quicksand fonts-noto-core fonts-dejavu-core \
      espeak-ng lame poppler-utils \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 storybook
COPY --from=dotnet /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
WORKDIR /app
COPY --from=build /app ./
RUN mkdir -p /data/assets && chown -R storybook /data
USER storybook
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    Storage__Local__Root=/data/assets \
    Chromium__ExecutablePath=/usr/lib/chromium/chromium-headless-shell
EXPOSE 8080
VOLUME /data
# Ready = PostgreSQL, job storage, asset store and Chromium answer (503 otherwise); /health/live is the process alone.
HEALTHCHECK --interval=30s --timeout=6s --start-period=30s CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "StorybookShop.dll"]
