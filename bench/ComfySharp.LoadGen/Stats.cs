using System.Diagnostics;
using System.Globalization;

namespace ComfySharp.LoadGen;

internal static class Stats
{
    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static string Percentiles(List<double> samplesMs)
    {
        if (samplesMs.Count == 0) return "no samples";
        samplesMs.Sort();
        double P(double p) => samplesMs[Math.Min(samplesMs.Count - 1, (int)Math.Ceiling(p / 100 * samplesMs.Count) - 1)];
        return string.Create(CultureInfo.InvariantCulture,
            $"p50 {P(50):0.000} ms, p90 {P(90):0.000} ms, p99 {P(99):0.000} ms, max {samplesMs[^1]:0.000} ms (n={samplesMs.Count})");
    }
}
