using System.Diagnostics;
using System.Globalization;

namespace ComfySharp.LoadGen;

/// <summary>
/// <c>chain</c>: PrimitiveString → n × StringConcatenate → PreviewAny, from POST to done; the per-node cost of a server.
/// As in <c>latency</c>, one thread posts and then reads the WebSocket until the chain is done.
/// </summary>
internal static class ChainScenario
{
    public static Report Run(Options options, CancellationToken ct)
    {
        var url = options.Url;
        var sizes = options.IntList("nodes", [1000], min: 1);
        var rounds = options.Int("rounds", 3, min: 1);
        using var connection = ComfyConnection.Open(url, 1, ct);
        using var poster = connection.NewPoster(ct);
        var report = Report.For("chain", url, $"best and median of {rounds} rounds, each chain distinct");

        var warm = poster.Post(Prompts.Chain(10, "warm-up-" + Guid.NewGuid().ToString("N"), connection.ClientId));
        if (!warm.Accepted) throw new ServerRefusedException("A 10-node warm-up chain was rejected: " + warm.Describe());
        connection.WaitDone(warm.PromptId!);

        foreach (var size in sizes)
        {
            var row = Measure(connection, poster, size, rounds, ct);
            report.AddRow("chains", row);
            if (row.Failed)
            {
                report.Failed = true;
                if (ct.IsCancellationRequested) break;
            }
        }
        return report;
    }

    private static Report Measure(ComfyConnection connection, IPromptPoster poster, int size, int rounds, CancellationToken ct)
    {
        var nodes = size + 2;
        var row = new Report(string.Create(CultureInfo.InvariantCulture, $"{size} x StringConcatenate ({nodes} nodes)"))
            .Add("string_concatenate", "", (long)size)
            .Add("nodes", "", (long)nodes);
        var totals = new List<double>(rounds);
        var posts = new List<double>(rounds);
        var outcome = "";
        // Built before the measured rounds, so the generator CPU below is only what posting and listening cost.
        var bodies = new byte[rounds][];
        for (var round = 0; round < rounds; round++) bodies[round] = Prompts.Chain(size, "chain-" + Guid.NewGuid().ToString("N"), connection.ClientId);
        var cpu = CpuShare.Start(0);
        try
        {
            for (var round = 0; round < rounds; round++)
            {
                var body = bodies[round];
                var t0 = Stopwatch.GetTimestamp();
                var result = poster.Post(body);
                var postMs = Percentiles.Ms(Stopwatch.GetTimestamp() - t0);
                if (!result.Accepted)
                {
                    // Report the server's answer (e.g. a 400 with node_errors, or a 500 from a recursion limit) and go on.
                    row.Add("rejected_status", "rejected with HTTP status", (long)result.Status).Add("rejected_body", "response body", result.Body());
                    row.Failed = true;
                    return row;
                }
                var finished = connection.WaitDone(result.PromptId!);
                totals.Add(Percentiles.Ms(finished - t0));
                posts.Add(postMs);
                outcome = connection.Completions.Outcome(result.PromptId!);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            row.Add("timed_out", "timed out", true);
            row.Failed = true;
        }
        var generatorCpu = cpu.GeneratorSeconds();
        if (totals.Count == 0) return row;
        var best = Min(totals);
        totals.Sort();
        row.Add("rounds", "rounds", (long)totals.Count)
            .Add("total_ms_best", "POST to done, best (ms)", best)
            .Add("total_ms_median", "POST to done, median (ms)", totals[(totals.Count - 1) / 2])
            .Add("total_ms_max", "POST to done, slowest (ms)", totals[^1])
            .Add("post_ms_best", "POST answered, best (ms)", Min(posts))
            .Add("per_node_us", "per node, best (us)", best * 1000 / nodes);
        if (double.IsFinite(generatorCpu))
        {
            // /proc counts in 10 ms ticks: use enough rounds of long chains for this to mean something.
            row.Add("generator_cpu_us_per_node", "generator CPU per node (us)", generatorCpu * 1e6 / ((double)totals.Count * nodes), "0.00");
        }
        row.Add("outcome", "last outcome", outcome);
        if (outcome != "execution_success") row.Failed = true;
        return row;
    }

    private static double Min(List<double> values)
    {
        var min = double.MaxValue;
        foreach (var v in values) min = Math.Min(min, v);
        return min;
    }
}
