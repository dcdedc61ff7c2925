using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StorybookShop.Tests.Infrastructure;

/// <summary>
/// Shopify's published Admin API contract, as the test oracle: <c>scripts/shopify-contract.cjs</c> (graphql-js over
/// the introspection Shopify ships in npm <c>@shopify/dev-mcp</c>, vendored in App.Tests/Shopify/Schema) validates each
/// document, coerces its variables, prices it by Shopify's cost rules and shapes the fake's answers by the schema.
/// One Node process serves the whole test run.
/// </summary>
public sealed class ShopifyContract
{
    /// <summary>The Admin API version whose schema the tests hold (swap the file to move versions).</summary>
    public const string Version = "2026-10";
    public const int MaxQueryCost = 1000;

    private static readonly Lazy<ShopifyContract> Instance = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    public static ShopifyContract Shared => Instance.Value;

    private readonly Process _node;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly List<string> _stderr = [];
    private long _next;

    private ShopifyContract(Process node) => _node = node;

    private static ShopifyContract Start()
    {
        var script = ShopifyKit.Repo("scripts/shopify-contract.cjs");
        if (!Directory.Exists(ShopifyKit.Repo(".tools/node_modules/graphql")))
            throw new InvalidOperationException(
                "graphql-js is not installed in .tools: run the tests with scripts/test.sh (it installs it)."
            );
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(ShopifyKit.Repo("App.Tests/Shopify/Schema"));
        var contract = new ShopifyContract(Process.Start(psi)!);
        contract._node.OutputDataReceived += (_, e) => contract.OnLine(e.Data);
        contract._node.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (contract._stderr)
                    contract._stderr.Add(e.Data);
        };
        contract._node.BeginOutputReadLine();
        contract._node.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                contract._node.Kill();
            }
            catch (InvalidOperationException) { }
        };
        // Builds the schema once, up front (≈ 0.6 s).
        contract.SendAsync(new JsonObject { ["op"] = "load", ["version"] = Version }).GetAwaiter().GetResult();
        return contract;
    }

    private void OnLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
            return;
        var answer = JsonNode.Parse(line)!.AsObject();
        if (answer["id"]?.GetValue<long>() is { } id && _pending.TryRemove(id, out var waiter))
            waiter.SetResult(answer);
    }

    private async Task<JsonObject> SendAsync(JsonObject request)
    {
        var id = Interlocked.Increment(ref _next);
        request["id"] = id;
        var waiter = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = waiter;
        await _write.WaitAsync();
        try
        {
            await _node.StandardInput.WriteLineAsync(request.ToJsonString());
            await _node.StandardInput.FlushAsync();
        }
        finally
        {
            _write.Release();
        }
        var answer = await waiter.Task.WaitAsync(TimeSpan.FromSeconds(30));
        if (answer["fatal"] is { } fatal)
        {
            string err;
            lock (_stderr)
                err = string.Join('\n', _stderr);
            throw new InvalidOperationException($"The Shopify contract oracle failed: {fatal}\n{err}");
        }
        return answer;
    }

    /// <summary>What Shopify makes of a request before running it.</summary>
    public sealed record Check(
        bool Ok,
        JsonArray Errors,
        string? OperationType,
        string? OperationName,
        IReadOnlyList<RootField> RootFields,
        int RequestedCost,
        IReadOnlyList<string> Deprecations
    )
    {
        public bool IsMutation => OperationType == "mutation";
    }

    public sealed record RootField(string Name, string Alias, string? RequiredAccess);

    public sealed record Shaped(JsonNode? Data, IReadOnlyList<string> Errors, int ActualCost);

    public async Task<Check> CheckAsync(
        string version,
        string query,
        JsonNode? variables,
        string? operationName = null,
        bool documentOnly = false
    )
    {
        var answer = await SendAsync(
            new JsonObject
            {
                ["op"] = "check",
                ["version"] = version,
                ["query"] = query,
                ["variables"] = variables?.DeepClone(),
                ["operationName"] = operationName,
                ["documentOnly"] = documentOnly,
            }
        );
        if (answer["ok"]?.GetValue<bool>() != true)
            return new Check(false, answer["errors"]?.AsArray().DeepClone().AsArray() ?? [], null, null, [], 0, []);
        return new Check(
            true,
            [],
            answer["operation"]?["type"]?.GetValue<string>(),
            answer["operation"]?["name"]?.GetValue<string>(),
            [
                .. answer["rootFields"]!
                    .AsArray()
                    .Select(f => new RootField(
                        f!["name"]!.GetValue<string>(),
                        f["alias"]!.GetValue<string>(),
                        f["requiredAccess"]?.GetValue<string>()
                    )),
            ],
            answer["requestedCost"]!.GetValue<int>(),
            [.. answer["deprecations"]!.AsArray().Select(d => d!["what"]!.GetValue<string>())]
        );
    }

    public async Task<Shaped> ShapeAsync(string version, string query, JsonNode? variables, JsonNode data)
    {
        var answer = await SendAsync(
            new JsonObject
            {
                ["op"] = "shape",
                ["version"] = version,
                ["query"] = query,
                ["variables"] = variables?.DeepClone(),
                ["data"] = data.DeepClone(),
            }
        );
        return new Shaped(
            answer["data"]?.DeepClone(),
            [.. answer["errors"]!.AsArray().Select(e => $"{e!["message"]} at {e["path"]?.ToJsonString()}")],
            answer["actualCost"]!.GetValue<int>()
        );
    }

    /// <summary>
    /// What the run saw Shopify refuse or flag: a request Shopify would refuse, a deprecated field, a fake answer the
    /// schema does not allow. Each test fails on those it did not declare (<see cref="Expect"/>), by
    /// <see cref="ShopifyContractCheckAttribute"/>.
    /// </summary>
    public static ConcurrentQueue<Violation> Violations { get; } = new();

    public enum ViolationKind
    {
        Refused,
        Deprecated,
        FakeAnswer,
    }

    public sealed record Violation(ViolationKind Kind, string Operation, string Detail)
    {
        public override string ToString() => $"{Kind} {Operation}: {Detail}";
    }

    /// <summary>A test that provokes Shopify's refusal on purpose takes the refusals it expected off the
    /// list.</summary>
    public static IReadOnlyList<Violation> Expect(ViolationKind kind)
    {
        var kept = new List<Violation>();
        var taken = new List<Violation>();
        while (Violations.TryDequeue(out var v))
            (v.Kind == kind ? taken : kept).Add(v);
        foreach (var v in kept)
            Violations.Enqueue(v);
        return taken;
    }

    internal static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
