using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ComfySharp.LoadGen;

/// <summary><c>latency</c>: one prompt at a time, from the start of its POST to its <c>executing {node: null}</c>.</summary>
internal static class LatencyScenario
{
    public static async Task<Report> RunAsync(Options options, CancellationToken ct)
    {
        var url = options.Url;
        var count = options.Int("count", 1000, min: 1);
        await using var connection = await ComfyConnection.OpenAsync(url, 1, ct);
        await ThroughputRun.WarmUpAsync(connection, options.Int("warmup", 100), ct);
        var samples = new List<double>(count);
        var report = Report.For("latency", url, "sequential submit -> executing null, 3-node prompts");
        var run = Guid.NewGuid().ToString("N")[..8];
        var cpu = CpuShare.Start(0);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var body = Prompts.Trivial(string.Create(CultureInfo.InvariantCulture, $"latency-{run}-{i}"), connection.ClientId);
                var t0 = Stopwatch.GetTimestamp();
                var result = await connection.PostAsync(body, ct);
                if (!result.Accepted)
                {
                    report.Add("rejected", "rejected", result.Describe());
                    report.Failed = true;
                    break;
                }
                var finished = await connection.WhenDone(result.PromptId!).WaitAsync(ct);
                samples.Add(Percentiles.Ms(finished - t0));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            report.Add("timed_out", "timed out", true);
            report.Failed = true;
        }
        var generatorCpu = cpu.GeneratorSeconds();
        report.Add("prompts", "prompts", (long)samples.Count)
            .Add("latency_ms", "latency (ms)", Percentiles.Of(CollectionsMarshal.AsSpan(samples)));
        if (double.IsFinite(generatorCpu) && samples.Count > 0)
        {
            report.Add("generator_cpu_us", "generator CPU per prompt (us)", generatorCpu * 1e6 / samples.Count, "0.0");
        }
        return report;
    }
}
