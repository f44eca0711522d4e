using System.Globalization;

namespace ComfySharp.LoadGen;

/// <summary>CPU time a process has used, user plus system, from <c>/proc/&lt;pid&gt;/stat</c> (Linux).</summary>
internal static class ProcessCpu
{
    // USER_HZ: /proc reports clock ticks, 100 per second on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    /// <summary>Seconds of CPU; false when the process is gone or this is not Linux.</summary>
    public static bool TryRead(int pid, out double seconds)
    {
        seconds = 0;
        string stat;
        try
        {
            stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        // "pid (comm) state ppid …": comm may hold spaces and parentheses, so fields count from the last ')'.
        // utime and stime are fields 14 and 15, i.e. the 12th and 13th after the state.
        var fields = stat.AsSpan(stat.LastIndexOf(')') + 2);
        Span<Range> parts = stackalloc Range[14];
        if (fields.Split(parts, ' ') < 14) return false;
        if (!long.TryParse(fields[parts[11]], NumberStyles.Integer, CultureInfo.InvariantCulture, out var user) ||
            !long.TryParse(fields[parts[12]], NumberStyles.Integer, CultureInfo.InvariantCulture, out var system)) return false;
        seconds = (user + system) / TicksPerSecond;
        return true;
    }
}
