using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ComfySharp.LoadGen;

/// <summary>
/// <c>broadcast</c>: N listening sockets; a separate client posts one prompt, whose enqueue broadcasts <c>status</c> to every
/// socket (protocol.md §3.3). Measures POST start → the last socket's status, over several rounds: when it reached the
/// socket (the kernel's arrival stamp, on 64-bit Linux) and when the generator read it. The generator's own
/// sockets share the machine with the server, so it reports the CPU both sides spend per round (the server's with --pid).
/// On Linux one epoll thread reads every socket (<see cref="EpollBroadcastListeners"/>); elsewhere async receives do.
/// </summary>
internal static class BroadcastScenario
{
    public static Report Run(Options options, CancellationToken ct)
    {
        var url = options.Url;
        if (url.Scheme != "http") throw new UsageException("The broadcast scenario needs an http:// URL.");
        var count = options.Int("clients", 1000, min: 1);
        var rounds = options.Int("rounds", 5, min: 1);
        var concurrency = options.Int("connect-concurrency", 32, min: 1);
        var pid = options.Int("pid", 0, min: 1);
        var pauseMs = options.Int("read-pause-ms", 5, min: 0, max: 1000);
        var report = Report.For("broadcast", url, $"{count} sockets, {rounds} rounds");

        var connectStarted = Stopwatch.GetTimestamp();
        using IBroadcastListeners listeners = OperatingSystem.IsLinux()
            ? EpollBroadcastListeners.Connect(url, count, concurrency, pauseMs, ct)
            : AsyncBroadcastListeners.Connect(url, count, concurrency, ct);
        report.Add("clients", "sockets connected", (long)listeners.Connected)
            .Add("connect_s", "connecting took (s)", Percentiles.Ms(Stopwatch.GetTimestamp() - connectStarted) / 1000);
        if (listeners.ConnectError is { } error)
        {
            report.Add("connect_error", "first connect error", error.Message);
            report.Failed = true;
            return report;
        }

        using var poster = ComfyConnection.Open(url, 1, ct);
        using var http = poster.NewPoster(ct);
        var lastMs = new List<double>(rounds);
        var firstMs = new List<double>(rounds);
        var lastStampedMs = new List<double>(rounds);
        var firstStampedMs = new List<double>(rounds);
        var run = Guid.NewGuid().ToString("N")[..8];
        var cpu = CpuShare.Start(pid);
        try
        {
            for (var r = 0; r < rounds; r++)
            {
                using var round = new BroadcastRound(r, count);
                listeners.Arm(round);
                var body = Prompts.Trivial(string.Create(CultureInfo.InvariantCulture, $"broadcast-{run}-{r}"), poster.ClientId);
                var t0Unix = UnixNow();
                var t0 = Stopwatch.GetTimestamp();
                var result = http.Post(body);
                if (!result.Accepted) throw new ServerRefusedException("The broadcast prompt was rejected: " + result.Describe());
                round.WaitAllArrived(ct);
                var (first, last) = round.Spread(t0);
                firstMs.Add(first);
                lastMs.Add(last);
                if (round.StampedSpread(t0Unix) is var (firstStamped, lastStamped))
                {
                    firstStampedMs.Add(firstStamped);
                    lastStampedMs.Add(lastStamped);
                }
                // The round ends once the prompt is done and every socket has seen the queue empty again.
                poster.WaitDone(result.PromptId!);
                round.WaitAllDrained(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            report.Add("timed_out", "timed out", true);
            report.Failed = true;
        }
        catch (IOException ex)
        {
            report.Add("error", "error", ex.Message);
            report.Failed = true;
        }
        report.Add("rounds", "rounds", (long)lastMs.Count);
        if (lastStampedMs.Count > 0)
        {
            report.Add("all_arrived_ms", "POST -> status reached every socket (ms)", Percentiles.Of(CollectionsMarshal.AsSpan(lastStampedMs)))
                .Add("first_arrived_ms", "POST -> status reached first socket (ms)", Percentiles.Of(CollectionsMarshal.AsSpan(firstStampedMs)));
        }
        var paused = lastStampedMs.Count > 0 && pauseMs > 0 ? string.Create(CultureInfo.InvariantCulture, $", reads paused {pauseMs} ms") : "";
        report.Add("all_received_ms", $"POST -> every socket read its status (ms{paused})", Percentiles.Of(CollectionsMarshal.AsSpan(lastMs)))
            .Add("first_received_ms", $"POST -> first socket read its status (ms{paused})", Percentiles.Of(CollectionsMarshal.AsSpan(firstMs)));
        cpu.AddTo(report, lastMs.Count);
        return report;
    }

    /// <summary>The system clock in nanoseconds since the Unix epoch, the clock the kernel stamps arrivals with (100 ns steps).</summary>
    private static long UnixNow() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
}
