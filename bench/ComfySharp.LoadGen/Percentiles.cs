using System.Diagnostics;

namespace ComfySharp.LoadGen;

/// <summary>Nearest-rank percentiles of millisecond samples, read from the sorted samples.</summary>
internal readonly record struct Percentiles(int Count, double P50, double P90, double P99, double Max, double Mean)
{
    public static double Ms(long stopwatchTicks) => stopwatchTicks * 1000.0 / Stopwatch.Frequency;

    /// <summary>Sorts <paramref name="samples"/> in place.</summary>
    public static Percentiles Of(Span<double> samples)
    {
        if (samples.IsEmpty) return default;
        samples.Sort();
        var sum = 0.0;
        foreach (var s in samples) sum += s;
        return new Percentiles(samples.Length, Rank(samples, 50), Rank(samples, 90), Rank(samples, 99), samples[^1], sum / samples.Length);
    }

    // Nearest rank: the smallest sample with at least p% of the samples at or below it.
    private static double Rank(ReadOnlySpan<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
