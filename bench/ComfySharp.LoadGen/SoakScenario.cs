namespace ComfySharp.LoadGen;

/// <summary><c>soak</c>: the server's RSS idle, then after N trivial prompts posted as in <c>throughput</c>.</summary>
internal static class SoakScenario
{
    public static Report Run(Options options, CancellationToken ct)
    {
        var url = options.Url;
        var pid = options.Int("pid", 0, min: 1);
        if (pid == 0) throw new UsageException("soak needs --pid of the server process (its RSS is read from /proc).");
        var count = options.Int("count", 10_000, min: 1);
        var posters = options.Int("posters", 8, min: 1, max: 4096);
        var cached = options.Flag("cached");
        if (!ProcessMemory.TryRead(pid, out var idle)) throw new UsageException($"No readable /proc/{pid}/status.");

        using var connection = ComfyConnection.Open(url, posters, ct);
        ThroughputRun.WarmUp(connection, options.Int("warmup", 0), ct);
        var result = ThroughputRun.Run(connection, posters, count, cached, ct);
        var report = Report.For("soak", url, $"pid {pid}, {count} prompts").Add("pid", "", (long)pid);
        idle.AddTo(report, "idle", "idle");
        if (ProcessMemory.TryRead(pid, out var after))
        {
            after.AddTo(report, "after", "after");
            report.Add("growth_mib", "RSS growth (MiB)", (after.RssKiB - idle.RssKiB) / 1024.0, "0.0");
        }
        else
        {
            report.Add("after_error", "after", "the process is gone");
            report.Failed = true;
        }
        ThroughputRun.AddTo(report, result, posters, cached);
        report.Failed |= result.TimedOut || result.Rejected > 0 || result.Failed > 0 || result.Error is not null;
        return report;
    }
}
