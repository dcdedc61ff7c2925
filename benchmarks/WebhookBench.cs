using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using StorybookShop.Shopify;

namespace StorybookShop.Benchmarks;

/// <summary>
/// Webhook intake under load: the app runs as its own process on 127.0.0.1 (Kestrel, web + worker), and an
/// open-loop generator sends signed orders/paid deliveries at a fixed rate for a fixed time. Latency is
/// measured from each request's scheduled send time, so a stalled server cannot hide its queue. Five percent
/// of deliveries repeat an earlier event id, as Shopify's retries do.
/// </summary>
internal static partial class WebhookBench
{
    public static async Task<int> RunAsync(string connection, int rate, TimeSpan duration)
    {
        const string secret = "bench-client-secret-0123456789abcdef";
        var appDll = Path.Combine(AppContext.BaseDirectory, "StorybookShop.dll");
        // With BENCH_NICE set, scripts/bench.sh runs this generator at lower priority; the app is put back at normal
        // priority so it is not starved by the tool measuring it (as with a client on another machine).
        var niced = Environment.GetEnvironmentVariable("BENCH_NICE") is { Length: > 0 };
        var psi = new ProcessStartInfo(niced ? "nice" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (
            var a in (niced ? new[] { "-n", "-10", "dotnet" } : []).Concat([appDll, "--urls", "http://127.0.0.1:0"])
        )
            psi.ArgumentList.Add(a);
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["ConnectionStrings__Default"] = connection;
        psi.Environment["Shopify__ClientId"] = "bench";
        psi.Environment["Shopify__ClientSecret"] = secret;
        // Production requires both (the key ring's key-encryption key, and the public URL for OAuth redirects).
        psi.Environment["Shopify__AppUrl"] = "https://bench.storybookshop.invalid";
        psi.Environment["DataProtection__KeyEncryptionKey"] = Convert.ToBase64String(
            System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)
        );
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        psi.Environment["Storage__Local__Root"] = Directory.CreateTempSubdirectory("bench-wh-").FullName;
        // BENCH_APP_X=1 reaches the app as X=1: for trying runtime and app settings without rebuilding.
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            if (e.Key is string k && k.StartsWith("BENCH_APP_", StringComparison.Ordinal))
                psi.Environment[k["BENCH_APP_".Length..]] = e.Value?.ToString();
        using var app = Process.Start(psi)!;
        var url = new TaskCompletionSource<string>();
        app.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && Listening().Match(e.Data) is { Success: true } m)
                url.TrySetResult(m.Groups[1].Value);
        };
        app.ErrorDataReceived += (_, _) => { };
        app.BeginOutputReadLine();
        app.BeginErrorReadLine();
        var baseUrl = await url.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var body = Encoding.UTF8.GetBytes(
            """
            {"id":820982911946154508,"email":"jon@example.com","line_items":[{"id":1,
              "properties":[{"name":"_story_id","value":"00000000-0000-0000-0000-000000000000"}]}]}
            """
        );
        var hmac = ShopifySignatures.SignWebhook(body, secret);
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 256,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(10) };

        // Phase 1 (cold): the first seconds at full rate after start-up, while JIT tiers and pools ramp up.
        // Phase 2 (measured): steady state. Both are reported.
        var cold = await LoadAsync(http, body, hmac, rate, TimeSpan.FromSeconds(3), "cold");
        var warm = await LoadAsync(http, body, hmac, rate, duration, "evt");
        var unique = warm.EventIds.Distinct().Count();
        var coldUnique = cold.EventIds.Distinct().Count();

        // Every unique delivery stored once and processed once.
        await using var db = NpgsqlDataSource.Create(connection);
        var until = DateTime.UtcNow.AddSeconds(60);
        long stored,
            processed,
            reprocessed;
        do
        {
            await Task.Delay(250);
            await using var cmd = db.CreateCommand(
                "SELECT count(*), count(*) FILTER (WHERE status = 'Processed'), count(*) FILTER (WHERE attempts > 1) "
                    + "FROM webhook_deliveries WHERE event_id LIKE 'evt-%' OR event_id LIKE 'cold-%'"
            );
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            (stored, processed, reprocessed) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
        } while (processed < stored && DateTime.UtcNow < until);
        app.Kill(entireProcessTree: true);

        var inv = CultureInfo.InvariantCulture;
        var expected = unique + coldUnique;
        Console.WriteLine(
            string.Create(inv, $"Webhook intake at {rate} req/s on 127.0.0.1 (app in its own process, web + worker):")
        );
        Console.WriteLine(
            string.Create(
                inv,
                $"  cold, first 3 s after start: p50 {cold.P(0.50):0.0} ms, p99 {cold.P(0.99):0.0} ms, max "
                    + $"{cold.Max:0.0} "
                    + $"ms, errors {cold.Errors}"
            )
        );
        Console.WriteLine(
            string.Create(
                inv,
                $"  steady, {duration.TotalSeconds:0} s: {warm.Sent} sent in {warm.Elapsed.TotalSeconds:0.0} s = "
                    + $"{warm.Sent / warm.Elapsed.TotalSeconds:0} req/s; p50 {warm.P(0.50):0.0} ms, "
                    + $"p99 {warm.P(0.99):0.0} "
                    + $"ms, max {warm.Max:0.0} ms, errors {warm.Errors} (target p99 < 20 ms, 0 errors)"
            )
        );
        Console.WriteLine(
            string.Create(
                inv,
                $"  {warm.Sent + cold.Sent} deliveries with {expected} unique event ids: stored {stored} (lost "
                    + $"{expected - stored}), processed {processed}, processed more than once {reprocessed}"
            )
        );
        return cold.Errors + warm.Errors == 0 && stored == expected && reprocessed == 0 ? 0 : 1;
    }

    private sealed record Phase(int Sent, double[] Sorted, int Errors, TimeSpan Elapsed, string[] EventIds)
    {
        public double P(double q) => Sorted[Math.Min(Sorted.Length - 1, (int)(q * Sorted.Length))];

        public double Max => Sorted[^1];
    }

    /// <summary>
    /// Open loop without spinning (the generator shares the server's two cores): every millisecond tick sends
    /// whatever is due; latency counts from when each request was due. 5 % repeat a recent event id.
    /// </summary>
    private static async Task<Phase> LoadAsync(
        HttpClient http,
        byte[] body,
        string hmac,
        int rate,
        TimeSpan duration,
        string prefix
    )
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var errors = 0;
        var eventIds = new string[total];
        var rng = new Random(prefix.Length);
        for (var i = 0; i < total; i++)
            eventIds[i] = i > 20 && rng.NextDouble() < 0.05 ? eventIds[rng.Next(i - 20, i)] : $"{prefix}-{i}";
        var start = Stopwatch.GetTimestamp();
        var tasks = new Task[total];
        var next = 0;
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        while (next < total)
        {
            var now = Stopwatch.GetTimestamp();
            while (next < total && start + (long)(next * Stopwatch.Frequency / (double)rate) <= now)
            {
                var index = next++;
                tasks[index] = SendTimed(index, start + (long)(index * Stopwatch.Frequency / (double)rate));
            }
            if (next < total)
                await tick.WaitForNextTickAsync();
        }
        await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(start);
        Array.Sort(latencies);
        return new Phase(total, latencies, errors, elapsed, eventIds);

        async Task SendTimed(int index, long scheduled)
        {
            var ok = await Send(http, body, hmac, eventIds[index]);
            latencies[index] = (Stopwatch.GetTimestamp() - scheduled) * 1000.0 / Stopwatch.Frequency;
            if (!ok)
                Interlocked.Increment(ref errors);
        }
    }

    private static async Task<bool> Send(HttpClient http, byte[] body, string hmac, string eventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks")
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Shopify-Topic", "orders/paid");
        request.Headers.Add("X-Shopify-Shop-Domain", "bench-shop.myshopify.com");
        request.Headers.Add("X-Shopify-Hmac-Sha256", hmac);
        request.Headers.Add("X-Shopify-Event-Id", eventId);
        request.Headers.Add("X-Shopify-Webhook-Id", eventId);
        request.Headers.Add("X-Shopify-API-Version", "2026-10");
        try
        {
            using var response = await http.SendAsync(request);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();
}
