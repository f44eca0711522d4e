using ComfySharp.LoadGen;

// A load generator that speaks only ComfyUI's public protocol (POST /prompt, GET /history, /ws), so one run can
// measure ComfySharp and upstream ComfyUI side by side. Every loop is bounded by a count and a timeout.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("""
        usage: LoadGen <scenario> --url http://127.0.0.1:8188 [options]
          throughput --posters 8 --count 20000 [--cached]   trivial prompts/s until the last executing null
          latency --count 2000                              sequential submit -> done, p50/p90/p99
          chain --nodes 1000,10000                          per-node cost on StringConcatenate chains
          broadcast --clients 1000 --rounds 5               one status broadcast reaching every socket
          startup --command "<server command line>"         ms until GET /prompt answers, then stops it
          rss --pid N                                       resident memory of a process
        common: --timeout 120 (seconds)
        """);
    return 0;
}

var options = Options.Parse(args[1..]);
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.Int("timeout", 120)));
try
{
    return args[0] switch
    {
        "throughput" => await Scenarios.ThroughputAsync(options, timeout.Token),
        "latency" => await Scenarios.LatencyAsync(options, timeout.Token),
        "chain" => await Scenarios.ChainAsync(options, timeout.Token),
        "broadcast" => await Scenarios.BroadcastAsync(options, timeout.Token),
        "startup" => await Scenarios.StartupAsync(options, timeout.Token),
        "rss" => Scenarios.Rss(options),
        _ => throw new ArgumentException($"Unknown scenario '{args[0]}'."),
    };
}
catch (OperationCanceledException) when (timeout.IsCancellationRequested)
{
    Console.Error.WriteLine("Timed out.");
    return 3;
}
