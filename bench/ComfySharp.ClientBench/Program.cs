using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ComfySharp.ClientBench;
using ComfySharp.Server.Hosting;
using Microsoft.Extensions.Logging;

// SDK overhead against the same server: prompts/s through ComfyClient.RunAsync versus a minimal HttpClient + ClientWebSocket
// loop (RawClient), and events/s the SDK decodes from one socket versus the raw socket. Every loop is bounded by its count.
const string Usage = """
    usage: ComfySharp.ClientBench [prompts] [events] [options]        (no scenario: both)
      prompts  --count 2000 --concurrency 1,8 --rounds 3 [--url URL]
               PrimitiveInt(value i) -> PreviewAny, distinct per prompt; RunAsync vs raw POST + socket + GET /history;
               rounds alternate raw and SDK, the median round counts
      events   --nodes 300 --repeat 50 --rounds 3
               records the events of one PrimitiveString -> n x StringConcatenate -> PreviewAny prompt from the server, then a
               local socket replays them (repeated) as fast as it can to: the raw socket (receive only; receive + JsonDocument)
               and ComfyClient.ReadEventsAsync
      Without --url the server runs in this process (--ephemeral, temp folder, port 0).
    """;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(Usage);
    return 0;
}
var options = Args.Parse(args);
var scenarios = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
if (scenarios.Count == 0) scenarios = ["prompts", "events"];
if (scenarios.Except(["prompts", "events"]).FirstOrDefault() is { } unknown)
{
    Console.Error.WriteLine($"Unknown scenario '{unknown}'.\n{Usage}");
    return 2;
}

using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
var ct = timeout.Token;
ComfySharpServer? server = null;
string? folder = null;
Uri url;
if (options.Url is { } given)
{
    url = given;
}
else
{
    folder = Path.Combine(Path.GetTempPath(), "comfysharp-clientbench-" + Guid.NewGuid().ToString("N"));
    server = await ComfySharpServer.StartAsync(new ServerOptions { Port = 0, BaseDirectory = folder, Ephemeral = true },
        logging: l => l.SetMinimumLevel(LogLevel.Warning), ct: ct);
    url = server.BaseAddress;
}
Console.WriteLine($"server {url} ({(server is null ? "external" : "in this process, --ephemeral")}), {Environment.ProcessorCount} cores, .NET {Environment.Version}");
try
{
    if (scenarios.Contains("prompts")) await PromptsScenario.RunAsync(url, options, ct);
    if (scenarios.Contains("events")) await EventsScenario.RunAsync(url, options, ct);
    return 0;
}
finally
{
    if (server is not null) await server.DisposeAsync();
    if (folder is not null) Directory.Delete(folder, recursive: true);
}

/// <summary>The command line: <c>--name value</c> pairs after the scenario names.</summary>
internal sealed record Args(Uri? Url, int Count, int[] Concurrency, int Rounds, int Nodes, int Repeat)
{
    public static Args Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) continue;
            if (i + 1 >= args.Length) throw new ArgumentException($"{args[i]} needs a value.");
            values[args[i][2..]] = args[++i];
        }
        int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new Args(
            values.TryGetValue("url", out var u) ? new Uri(u.TrimEnd('/') + "/") : null,
            Int("count", 2000),
            values.TryGetValue("concurrency", out var c) ? [.. c.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] : [1, 8],
            Int("rounds", 3),
            Int("nodes", 300),
            Int("repeat", 50));
    }
}

/// <summary>Shared helpers: HttpClient setup, medians, prompts.</summary>
internal static class Bench
{
    /// <summary>One handler for both sides: loopback only, no environment proxy, enough connections for the concurrency.</summary>
    public static HttpClient Http(Uri url, int connections) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        BaseAddress = url,
        Timeout = TimeSpan.FromMinutes(5),
    };

    public static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    /// <summary>PrimitiveInt(value) → PreviewAny: the smallest graph with an output, distinct per value so no cache answers it.</summary>
    public static JsonObject IntPrompt(long value) => new()
    {
        ["1"] = new JsonObject { ["class_type"] = "PrimitiveInt", ["inputs"] = new JsonObject { ["value"] = value } },
        ["2"] = new JsonObject { ["class_type"] = "PreviewAny", ["inputs"] = new JsonObject { ["source"] = new JsonArray("1", 0) } },
    };

    /// <summary>Runs <paramref name="count"/> calls of <paramref name="one"/> over <paramref name="concurrency"/> workers; returns per second.</summary>
    public static async Task<double> RateAsync(int count, int concurrency, Func<int, Task> one, CancellationToken ct)
    {
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count) await one(i);
        }, ct));
        await Task.WhenAll(workers);
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
