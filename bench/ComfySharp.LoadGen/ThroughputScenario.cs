namespace ComfySharp.LoadGen;

/// <summary><c>throughput</c>: concurrent posters of trivial prompts, prompts/s until the last <c>executing {node: null}</c>.</summary>
internal static class ThroughputScenario
{
    public static Report Run(Options options, CancellationToken ct)
    {
        var url = options.Url;
        var posters = options.Int("posters", 8, min: 1, max: 4096);
        var count = options.Int("count", 2000, min: 1);
        var cached = options.Flag("cached");
        using var connection = ComfyConnection.Open(url, posters, ct);
        ThroughputRun.WarmUp(connection, options.Int("warmup", 50), ct);
        var result = ThroughputRun.Run(connection, posters, count, cached, ct);
        var report = Report.For("throughput", url, $"3-node prompts, {(cached ? "identical" : "distinct")}, {posters} posters, one listener");
        ThroughputRun.AddTo(report, result, posters, cached);
        report.Add("binary_frames", "binary frames seen", connection.BinaryFrames);
        report.Failed = result.TimedOut || result.Rejected > 0 || result.Failed > 0 || result.Error is not null;
        return report;
    }
}
