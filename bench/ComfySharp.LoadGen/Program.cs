using System.Net.WebSockets;
using ComfySharp.LoadGen;

// A load generator that speaks only ComfyUI's public protocol (POST /prompt, /ws), so one run measures ComfySharp and upstream
// ComfyUI alike. Every loop is bounded by a count and by --timeout.
const string Usage = """
    usage: ComfySharp.LoadGen <scenario> [options]     (every scenario: --url http://127.0.0.1:8188 --timeout 120 --json)
      throughput --posters 8 --count 2000 [--cached] [--warmup 50]
                 concurrent POSTs of distinct 3-node prompts (PrimitiveString -> StringConcatenate -> PreviewAny), one listener;
                 prompts/s until executing {node: null} for every prompt, POST latency percentiles
      latency    --count 1000 [--warmup 100]           sequential submit -> executing null; p50/p90/p99/max
      chain      --nodes 1000,10000 [--rounds 3]        PrimitiveString -> n x StringConcatenate -> PreviewAny; POST to done, us per node
      broadcast  --clients 1000 [--rounds 5] [--connect-concurrency 32] [--read-pause-ms 5] [--pid P]
                 POST -> the enqueue status on every socket; median/max over rounds; CPU per round (the server's with --pid)
      startup    --command "<server command line>" [--workdir DIR] [--idle-s 0] [--poll-ms 10]
                 starts it (sh -c "exec <command>"), ms until GET /prompt answers 200, RSS, then kills it
      rss        --pid P                                VmRSS/VmHWM of a process
      soak       --pid P --count 10000 [--posters 8] [--cached]
                 the server's RSS idle, then after N prompts posted as in throughput
    exit code: 0 measured, 1 the server rejected or failed something, 2 usage, 3 timed out
    """;

string[] common = ["url", "timeout", "json"];
var scenarios = new Dictionary<string, string[]>(StringComparer.Ordinal)
{
    ["throughput"] = ["posters", "count", "cached", "warmup"],
    ["latency"] = ["count", "warmup"],
    ["chain"] = ["nodes", "rounds"],
    ["broadcast"] = ["clients", "rounds", "connect-concurrency", "read-pause-ms", "pid"],
    ["startup"] = ["command", "workdir", "idle-s", "poll-ms"],
    ["rss"] = ["pid"],
    ["soak"] = ["pid", "count", "posters", "cached", "warmup"],
};

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage);
    return 0;
}
if (!scenarios.TryGetValue(args[0], out var specific))
{
    Console.Error.WriteLine($"Unknown scenario '{args[0]}'.\n{Usage}");
    return 2;
}

Options options;
try
{
    options = Options.Parse(args.AsSpan(1), new HashSet<string>([.. common, .. specific], StringComparer.Ordinal));
    if (!options.Url.IsLoopback) Console.Error.WriteLine($"warning: {options.Url} is not a loopback address; this tool is meant for servers on this machine.");
}
catch (UsageException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var timeout = new CancellationTokenSource(options.Timeout);
try
{
    var report = args[0] switch
    {
        "throughput" => ThroughputScenario.Run(options, timeout.Token),
        "latency" => LatencyScenario.Run(options, timeout.Token),
        "chain" => ChainScenario.Run(options, timeout.Token),
        "broadcast" => BroadcastScenario.Run(options, timeout.Token),
        "startup" => await StartupScenario.RunAsync(options, timeout.Token),
        "rss" => RssScenario.Run(options),
        _ => SoakScenario.Run(options, timeout.Token),
    };
    report.WriteTo(Console.Out, options.Json);
    return !report.Failed ? 0 : timeout.IsCancellationRequested ? 3 : 1;
}
catch (UsageException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
catch (OperationCanceledException) when (timeout.IsCancellationRequested)
{
    Console.Error.WriteLine($"Timed out after {options.Timeout.TotalSeconds:0} s before anything was measured (raise --timeout?).");
    return 3;
}
catch (ServerRefusedException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}
catch (Exception ex) when (ex is HttpRequestException or WebSocketException or IOException)
{
    Console.Error.WriteLine($"Could not talk to {options.Url}: {ex.Message}");
    return 1;
}
