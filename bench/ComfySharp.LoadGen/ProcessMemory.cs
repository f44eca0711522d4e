using System.Globalization;

namespace ComfySharp.LoadGen;

/// <summary>Resident memory of a process from <c>/proc/&lt;pid&gt;/status</c> (Linux): VmRSS now and VmHWM, its peak.</summary>
internal readonly record struct ProcessMemory(long RssKiB, long PeakRssKiB)
{
    public static bool TryRead(int pid, out ProcessMemory memory)
    {
        memory = default;
        long rss = -1, peak = -1;
        try
        {
            foreach (var line in File.ReadLines(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/status")))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = KiB(line);
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = KiB(line);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        if (rss < 0) return false; // a zombie, or not Linux
        memory = new ProcessMemory(rss, peak);
        return true;
    }

    public void AddTo(Report report, string key, string label)
    {
        report.Add(key + "_rss_mib", label + " RSS (MiB)", RssKiB / 1024.0, "0.0")
            .Add(key + "_peak_rss_mib", label + " peak RSS (MiB)", PeakRssKiB / 1024.0, "0.0");
    }

    // "VmRSS:	  123456 kB"
    private static long KiB(string line)
    {
        var value = line.AsSpan(6).Trim();
        var space = value.IndexOf(' ');
        if (space >= 0) value = value[..space];
        return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kib) ? kib : -1;
    }
}
