using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ComfySharp.LoadGen;

/// <summary>
/// <c>latency</c>: one prompt at a time, from the start of its POST to its <c>executing {node: null}</c>. One thread posts
/// and then reads the WebSocket until the prompt is done, so no hand-off between threads is in the measured time.
/// </summary>
internal static class LatencyScenario
{
    public static Report Run(Options options, CancellationToken ct)
    {
        var url = options.Url;
        var count = options.Int("count", 1000, min: 1);
        using var connection = ComfyConnection.Open(url, 1, ct);
        using var poster = connection.NewPoster(ct);
        ThroughputRun.WarmUp(connection, poster, options.Int("warmup", 100));
        var samples = new List<double>(count);
        var report = Report.For("latency", url, "sequential submit -> executing null, 3-node prompts");
        var series = new Prompts.TrivialSeries($"latency-{Guid.NewGuid().ToString("N")[..8]}-", connection.ClientId);
        var cpu = CpuShare.Start(0);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var body = series.Body(i);
                var t0 = Stopwatch.GetTimestamp();
                var result = poster.Post(body);
                if (!result.Accepted)
                {
                    report.Add("rejected", "rejected", result.Describe());
                    report.Failed = true;
                    break;
                }
                var finished = connection.WaitDone(result.PromptId!);
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
