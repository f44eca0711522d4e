namespace ComfySharp.LoadGen;

/// <summary><c>rss --pid P</c>: a process's resident memory now and at its peak.</summary>
internal static class RssScenario
{
    public static Report Run(Options options)
    {
        var pid = options.Int("pid", 0, min: 1);
        if (pid == 0) throw new UsageException("rss needs --pid.");
        var report = Report.For("rss", null, "pid " + pid.ToString(System.Globalization.CultureInfo.InvariantCulture)).Add("pid", "", (long)pid);
        if (!ProcessMemory.TryRead(pid, out var memory))
        {
            report.Add("error", "error", $"no readable /proc/{pid}/status");
            report.Failed = true;
            return report;
        }
        memory.AddTo(report, "now", "current");
        return report;
    }
}
