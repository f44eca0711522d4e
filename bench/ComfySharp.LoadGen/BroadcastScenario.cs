using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ComfySharp.LoadGen;

/// <summary>
/// <c>broadcast</c>: N listening sockets; a separate client posts one prompt, whose enqueue broadcasts <c>status</c> to every
/// socket (protocol.md §3.3). Measures POST start → the last socket's status, over several rounds. The generator's own
/// sockets share the machine with the server, so it reports the CPU both sides spend per round (the server's with --pid).
/// </summary>
internal static class BroadcastScenario
{
    public static async Task<Report> RunAsync(Options options, CancellationToken ct)
    {
        var url = options.Url;
        var count = options.Int("clients", 1000, min: 1);
        var rounds = options.Int("rounds", 5, min: 1);
        var concurrency = options.Int("connect-concurrency", 32, min: 1);
        var pid = options.Int("pid", 0, min: 1);
        var report = Report.For("broadcast", url, $"{count} sockets, {rounds} rounds");
        var clients = new BroadcastClient?[count];
        try
        {
            var connectStarted = Stopwatch.GetTimestamp();
            var error = await ConnectAllAsync(url, clients, concurrency, ct);
            var connected = 0;
            foreach (var c in clients) if (c is not null) connected++;
            report.Add("clients", "sockets connected", (long)connected)
                .Add("connect_s", "connecting took (s)", Percentiles.Ms(Stopwatch.GetTimestamp() - connectStarted) / 1000);
            if (error is not null)
            {
                report.Add("connect_error", "first connect error", error.Message);
                report.Failed = true;
                return report;
            }

            using var poster = ComfyConnection.Open(url, 1, ct);
            using var http = poster.NewPoster(ct);
            var lastMs = new List<double>(rounds);
            var firstMs = new List<double>(rounds);
            var run = Guid.NewGuid().ToString("N")[..8];
            var cpu = CpuShare.Start(pid);
            try
            {
                for (var r = 0; r < rounds; r++)
                {
                    var round = new BroadcastRound(r, count);
                    foreach (var c in clients) c!.Arm(round);
                    var body = Prompts.Trivial(string.Create(CultureInfo.InvariantCulture, $"broadcast-{run}-{r}"), poster.ClientId);
                    var t0 = Stopwatch.GetTimestamp();
                    var result = http.Post(body);
                    if (!result.Accepted) throw new ServerRefusedException("The broadcast prompt was rejected: " + result.Describe());
                    await round.AllArrived.WaitAsync(ct);
                    var (first, last) = round.Spread(t0);
                    firstMs.Add(first);
                    lastMs.Add(last);
                    // The round ends once the prompt is done and every socket has seen the queue empty again.
                    poster.WaitDone(result.PromptId!);
                    await round.AllDrained.WaitAsync(ct);
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
            report.Add("rounds", "rounds", (long)lastMs.Count)
                .Add("all_received_ms", "POST -> every socket has status (ms)", Percentiles.Of(CollectionsMarshal.AsSpan(lastMs)))
                .Add("first_received_ms", "POST -> first socket has status (ms)", Percentiles.Of(CollectionsMarshal.AsSpan(firstMs)));
            cpu.AddTo(report, lastMs.Count);
            return report;
        }
        finally
        {
            var closing = new List<Task>(count);
            foreach (var c in clients) if (c is not null) closing.Add(c.DisposeAsync().AsTask());
            await Task.WhenAll(closing);
        }
    }

    /// <summary>Connects every client with at most <paramref name="concurrency"/> handshakes in flight; the first failure, or null.</summary>
    private static async Task<Exception?> ConnectAllAsync(Uri url, BroadcastClient?[] clients, int concurrency, CancellationToken ct)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var next = -1;
        Exception? error = null;

        async Task ConnectLoopAsync()
        {
            int i;
            while (Volatile.Read(ref error) is null && (i = Interlocked.Increment(ref next)) < clients.Length)
            {
                try
                {
                    clients[i] = await BroadcastClient.ConnectAsync(url, run, i, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    Interlocked.CompareExchange(ref error, new IOException($"socket {i}: {ex.Message}", ex), null);
                }
            }
        }

        var loops = new Task[Math.Min(concurrency, clients.Length)];
        for (var i = 0; i < loops.Length; i++) loops[i] = ConnectLoopAsync();
        await Task.WhenAll(loops);
        return error;
    }
}
