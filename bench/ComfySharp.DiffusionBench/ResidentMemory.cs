using System.Diagnostics;

namespace ComfySharp.DiffusionBench;

/// <summary>
/// The process's resident size now and its peak, where the peak can be reset so that one phase (a merge, a generation) is
/// measured on its own instead of against the process's whole life.
/// </summary>
internal static class ResidentMemory
{
    /// <summary>
    /// Sets the kernel's peak-RSS mark (VmHWM, what <see cref="Process.PeakWorkingSet64"/> reads on Linux) back to the current
    /// RSS by writing 5 to the process's <c>clear_refs</c> file. False where that is not possible (not Linux, old kernel):
    /// the peak printed is then the process's lifetime peak, and the caller says so.
    /// </summary>
    public static bool ResetPeak()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Resident size and peak resident size since the last <see cref="ResetPeak"/> (or the start), in bytes.</summary>
    public static (long Now, long Peak) Read()
    {
        using var self = Process.GetCurrentProcess();
        return (self.WorkingSet64, self.PeakWorkingSet64);
    }

    public static string Gb(long bytes) => $"{bytes / 1e9:0.00} GB";
}
